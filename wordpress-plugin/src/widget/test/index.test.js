/**
 * The widget script against a fake `window.vipPresence` (the real SDK is tested in packages/client).
 */
jest.mock('@vip-presence/client/browser', () => ({}), { virtual: true });

function fakeClient() {
	const subscriptions = [];
	return {
		subscriptions,
		subscribe: jest.fn((postId, callback, options) => {
			const unsubscribe = jest.fn();
			subscriptions.push({ postId, callback, options, unsubscribe });
			return unsubscribe;
		}),
	};
}

const widget = (postId, hideBelow = 0, mode = 'view') =>
	`<div class="vip-presence-widget" data-vip-presence-post-id="${postId}" data-vip-presence-mode="${mode}" data-vip-presence-hide-below="${hideBelow}" aria-live="polite" aria-atomic="true" style="min-height:1.5em;min-height:1lh;"></div>`;

const state = (others, status = 'live') => ({
	postId: 42,
	count: others + 1,
	others,
	self: true,
	views: 1,
	status,
});

describe('widget script', () => {
	let client;

	// The script fills the page's widgets in a task after its own (a timer of 0 ms).
	const load = () => {
		require('../index');
		jest.runOnlyPendingTimers();
	};

	beforeEach(() => {
		jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
		jest.resetModules();
		client = fakeClient();
		window.vipPresence = client;
		// What WordPress prints in English (includes/assets.php): the forms in the order _n() gave them from 0.
		window.vipPresenceWidgetText = {
			alone: "You're the only one here",
			others: [
				'%s other people are viewing',
				'%s other person is viewing',
			],
			plural: '01' + '0'.repeat(198),
		};
		document.documentElement.lang = 'en-US';
	});

	afterEach(() => {
		jest.useRealTimers();
		delete window.vipPresence;
		delete window.vipPresenceWidgetText;
		document.body.innerHTML = '';
	});

	it('subscribes once per post, counted, and fills every widget of that post', () => {
		document.body.innerHTML = widget(42) + widget(42, 5) + widget(7);
		load();

		expect(client.subscribe).toHaveBeenCalledTimes(2);
		const [first, second] = client.subscriptions;
		expect(first.postId).toBe(42);
		expect(first.options).toBeUndefined();
		expect(second.postId).toBe(7);

		first.callback(state(3));
		const [a, b, c] = document.querySelectorAll('.vip-presence-widget');
		expect(a.textContent).toBe('3 other people are viewing');
		expect(a.dataset.vipPresenceStatus).toBe('live');
		expect(b.textContent).toBe(''); // Its K is 5.
		expect(c.textContent).toBe('');
		expect(c.dataset.vipPresenceStatus).toBe('connecting');
	});

	it('subscribes in a task after its own, so that the two are not one long task', () => {
		document.body.innerHTML = widget(42);
		require('../index');
		expect(client.subscribe).not.toHaveBeenCalled();
		jest.runOnlyPendingTimers();
		expect(client.subscribe).toHaveBeenCalledTimes(1);
	});

	it('changes a count in its text node, waking no observer of added or removed nodes', async () => {
		document.body.innerHTML = widget(42);
		load();
		const { callback } = client.subscriptions[0];
		callback(state(2));
		const element = document.querySelector('.vip-presence-widget');
		const node = element.firstChild;
		const records = [];
		const observer = new window.MutationObserver((found) =>
			records.push(...found)
		);
		observer.observe(document.body, {
			childList: true,
			subtree: true,
			characterData: true,
			attributes: true,
		});
		callback(state(3));
		callback(state(3));
		await Promise.resolve();
		observer.disconnect();
		expect(element.firstChild).toBe(node);
		expect(element.textContent).toBe('3 other people are viewing');
		expect(records.map((record) => record.type)).toEqual(['characterData']);
	});

	it('empties the widget when the connection drops', () => {
		document.body.innerHTML = widget(42);
		load();
		const { callback } = client.subscriptions[0];
		callback(state(0));
		const element = document.querySelector('.vip-presence-widget');
		expect(element.textContent).toBe("You're the only one here");
		callback(state(0, 'offline'));
		expect(element.textContent).toBe('');
		expect(element.dataset.vipPresenceStatus).toBe('offline');
	});

	it('does nothing, without errors, when the SDK is missing', () => {
		delete window.vipPresence;
		document.body.innerHTML = widget(42);
		expect(load).not.toThrow();
		expect(document.querySelector('.vip-presence-widget').textContent).toBe(
			''
		);
	});

	it('only watches, without being counted, the posts of widgets in watch mode', () => {
		document.body.innerHTML =
			widget(42) + widget(7, 0, 'watch') + widget(42, 0, 'watch');
		load();

		expect(client.subscriptions.map((s) => [s.postId, s.options])).toEqual([
			[42, undefined],
			[7, { count: false }],
			[42, { count: false }],
		]);

		client.subscriptions[1].callback({
			postId: 7,
			count: 3,
			others: 3,
			self: false,
			views: null,
			status: 'live',
		});
		expect(
			document.querySelectorAll('.vip-presence-widget')[1].textContent
		).toBe('3 other people are viewing');
	});

	it('skips widgets with a bad post id', () => {
		document.body.innerHTML = widget('abc') + widget(0) + widget(-3);
		load();
		expect(client.subscribe).not.toHaveBeenCalled();
	});

	// MutationObserver callbacks run as microtasks: one turn of the queue delivers them.
	const mutationsDelivered = () => Promise.resolve();

	it("fills a widget added after load, and shows it the post's state at once if already followed", async () => {
		document.body.innerHTML = widget(42);
		load();
		client.subscriptions[0].callback(state(2));

		const later = document.createElement('section');
		later.innerHTML = widget(42) + widget(99);
		document.body.appendChild(later);
		await mutationsDelivered();

		expect(client.subscriptions.map((s) => s.postId)).toEqual([42, 99]);
		const added = later.querySelectorAll('.vip-presence-widget');
		expect(added[0].textContent).toBe('2 other people are viewing');
		expect(added[1].dataset.vipPresenceStatus).toBe('connecting');
	});

	it('stops following a post once its last widget has left the page', async () => {
		document.body.innerHTML = widget(42) + widget(42) + widget(7);
		load();
		const [post42, post7] = client.subscriptions;
		const [first, second] = document.querySelectorAll(
			'.vip-presence-widget[data-vip-presence-post-id="42"]'
		);

		first.remove();
		await mutationsDelivered();
		expect(post42.unsubscribe).not.toHaveBeenCalled();

		second.remove();
		await mutationsDelivered();
		expect(post42.unsubscribe).toHaveBeenCalledTimes(1);
		expect(post7.unsubscribe).not.toHaveBeenCalled();
	});

	it('offers the same filling as window.vipPresence.fillWidgets', () => {
		load();
		const host = document.createElement('div');
		host.innerHTML = widget(5);
		// Not on the page (as in a shadow root): only the call finds it.
		window.vipPresence.fillWidgets(host);
		expect(client.subscriptions.map((s) => s.postId)).toEqual([5]);
	});
});
