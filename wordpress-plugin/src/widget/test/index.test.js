/**
 * The widget script against a fake `window.vipPresence` (the real SDK is tested in packages/client).
 */
jest.mock('@vip-presence/client/browser', () => ({}), { virtual: true });

function fakeClient() {
	const subscriptions = [];
	return {
		subscriptions,
		subscribe: jest.fn((postId, callback, options) => {
			subscriptions.push({ postId, callback, options });
			return jest.fn();
		}),
	};
}

const widget = (postId, hideBelow = 0, mode = 'view') =>
	`<div class="vip-presence-widget" data-vip-presence-post-id="${postId}" data-vip-presence-mode="${mode}" data-vip-presence-hide-below="${hideBelow}" aria-live="polite" aria-atomic="true" style="min-height:1.5em;"></div>`;

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

	beforeEach(() => {
		jest.resetModules();
		client = fakeClient();
		window.vipPresence = client;
		document.documentElement.lang = 'en-US';
	});

	afterEach(() => {
		delete window.vipPresence;
		document.body.innerHTML = '';
	});

	it('subscribes once per post, counted, and fills every widget of that post', () => {
		document.body.innerHTML = widget(42) + widget(42, 5) + widget(7);
		require('../index');

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

	it('empties the widget when the connection drops', () => {
		document.body.innerHTML = widget(42);
		require('../index');
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
		expect(() => require('../index')).not.toThrow();
		expect(document.querySelector('.vip-presence-widget').textContent).toBe(
			''
		);
	});

	it('only watches, without being counted, the posts of widgets in watch mode', () => {
		document.body.innerHTML =
			widget(42) + widget(7, 0, 'watch') + widget(42, 0, 'watch');
		require('../index');

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
		require('../index');
		expect(client.subscribe).not.toHaveBeenCalled();
	});
});
