/**
 * The "Reading now" column script against a fake `window.vipPresence`.
 */
jest.mock('@vip-presence/client/browser', () => ({}), { virtual: true });

const cell = (postId) =>
	`<tr><td><span class="vip-presence-column" data-vip-presence-post-id="${postId}"></span></td></tr>`;

describe('admin column script', () => {
	let subscriptions;

	beforeEach(() => {
		jest.resetModules();
		subscriptions = [];
		window.vipPresence = {
			subscribe: jest.fn((postId, callback, options) => {
				const unsubscribe = jest.fn();
				subscriptions.push({ postId, callback, options, unsubscribe });
				return unsubscribe;
			}),
		};
		document.documentElement.lang = 'en-US';
	});

	afterEach(() => {
		delete window.vipPresence;
		document.body.innerHTML = '';
	});

	it('watches every listed post without being counted and shows live counts', () => {
		document.body.innerHTML = `<table><tbody id="the-list">${cell(1)}${cell(
			2
		)}</tbody></table>`;
		require('../index');

		expect(subscriptions.map((s) => s.postId)).toEqual([1, 2]);
		expect(subscriptions.every((s) => s.options.count === false)).toBe(
			true
		);

		subscriptions[0].callback({
			postId: 1,
			count: 1234,
			others: 1234,
			self: false,
			views: null,
			status: 'live',
		});
		const first = document.querySelector('.vip-presence-column');
		expect(first.textContent).toBe('1,234');

		subscriptions[0].callback({
			postId: 1,
			count: 0,
			others: 0,
			self: false,
			views: null,
			status: 'offline',
		});
		expect(first.textContent).toBe('');
	});

	it('watches rows added later and stops watching rows that left', async () => {
		document.body.innerHTML = `<table><tbody id="the-list">${cell(
			1
		)}</tbody></table>`;
		require('../index');
		const list = document.getElementById('the-list');

		// Quick Edit swaps the row for a new one.
		list.innerHTML = cell(1);
		await new Promise((resolve) => setTimeout(resolve, 0));
		expect(subscriptions).toHaveLength(2);

		subscriptions[0].callback({ count: 3, status: 'live' });
		expect(subscriptions[0].unsubscribe).toHaveBeenCalled();
	});

	it('raises the peak printed under a cell when more people read now, and never lowers it', () => {
		document.body.innerHTML = `<table><tbody id="the-list"><tr><td><span class="vip-presence-column" data-vip-presence-post-id="5"></span><span class="vip-presence-column-totals"><span class="vip-presence-column-peak" data-vip-presence-peak="2" title="Most readers at once, first on November 30, 2026 8:00 am">Peak <span class="vip-presence-column-peak-value">2</span></span><span class="vip-presence-column-views">7 views</span></span></td></tr></tbody></table>`;
		require('../index');
		const peak = document.querySelector('.vip-presence-column-peak');
		const live = (count) => ({ count, others: count, status: 'live' });

		subscriptions[0].callback(live(2));
		expect(peak.textContent).toBe('Peak 2');
		expect(peak.hasAttribute('title')).toBe(true);

		subscriptions[0].callback(live(1234));
		expect(peak.textContent).toBe('Peak 1,234');
		expect(peak.dataset.vipPresencePeak).toBe('1234');
		expect(peak.hasAttribute('title')).toBe(false);

		subscriptions[0].callback(live(3));
		subscriptions[0].callback({
			count: 5000,
			others: 5000,
			status: 'offline',
		});
		expect(peak.textContent).toBe('Peak 1,234');
	});
});
