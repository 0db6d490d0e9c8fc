/**
 * The dashboard widget's script against a fake `window.vipPresence` and a fake `wp.apiFetch`.
 */
jest.mock('@vip-presence/client/browser', () => ({}), { virtual: true });
// WordPress's script (wp.apiFetch), not installed: a mock stands in for it.
jest.mock('@wordpress/api-fetch', () => jest.fn(), { virtual: true });

const item = (postId, count, peak, views) =>
	`<li data-vip-presence-post-id="${postId}" data-vip-presence-count="${count}" data-vip-presence-peak="${peak}" data-vip-presence-views="${views}"><a href="https://example.org/?p=${postId}">Post ${postId}</a> <span class="vip-presence-top-posts-count">${count} people reading</span> <span class="vip-presence-top-posts-totals">Peak ${peak} · ${views} views</span></li>`;

const widget = (items) =>
	`<div class="vip-presence-top" data-vip-presence-limit="10" data-vip-presence-refresh="15">${
		items
			? `<ol class="vip-presence-top-posts">${items}</ol>`
			: '<p class="vip-presence-top-posts-empty">Nobody is reading anything right now.</p>'
	}</div>`;

const texts = () =>
	[...document.querySelectorAll('.vip-presence-top-posts > li')].map((li) =>
		li.textContent.trim()
	);

describe('dashboard widget script', () => {
	let subscriptions;
	let apiFetch;

	beforeEach(() => {
		jest.resetModules();
		jest.useFakeTimers();
		subscriptions = [];
		window.vipPresence = {
			subscribe: jest.fn((postId, callback, options) => {
				const unsubscribe = jest.fn();
				subscriptions.push({ postId, callback, options, unsubscribe });
				return unsubscribe;
			}),
		};
		apiFetch = require('@wordpress/api-fetch');
		document.documentElement.lang = 'en-US';
	});

	afterEach(() => {
		jest.useRealTimers();
		delete window.vipPresence;
		document.body.innerHTML = '';
	});

	const state = (postId, count) => ({
		postId,
		count,
		others: count,
		self: false,
		views: null,
		status: 'live',
	});

	it('watches the listed posts without being counted and re-sorts them live', () => {
		document.body.innerHTML = widget(item(1, 2, 4, 10) + item(2, 1, 1, 3));
		require('../index');
		expect(subscriptions.map((s) => [s.postId, s.options])).toEqual([
			[1, { count: false }],
			[2, { count: false }],
		]);

		subscriptions[1].callback(state(2, 5));
		expect(texts()).toEqual([
			'Post 2 5 people reading Peak 5 · 3 views',
			'Post 1 2 people reading Peak 4 · 10 views',
		]);
		subscriptions[0].callback(state(1, 0));
		expect(texts()).toEqual(['Post 2 5 people reading Peak 5 · 3 views']);
		subscriptions[1].callback(state(2, 0));
		expect(texts()).toEqual([]);
		expect(
			document.querySelector('.vip-presence-top-posts-empty').textContent
		).toBe('Nobody is reading anything right now.');
	});

	it("draws each post's last hour as a trend line hidden from screen readers, which read a sentence, and keeps its end live", () => {
		const series = {
			from: Date.UTC(2026, 10, 30, 14, 0),
			bucketMs: 60000,
			max: [null, 4, 2],
			mean: [null, 3, 2],
		};
		document.body.innerHTML = widget(
			item(1, 2, 4, 10).replace(
				'<li ',
				`<li data-vip-presence-series='${JSON.stringify(series)}' `
			) + item(2, 1, 1, 3)
		);
		require('../index');
		subscriptions[0].callback(state(1, 3));
		const [first, second] = document.querySelectorAll(
			'.vip-presence-top-posts > li'
		);
		const svg = first.querySelector('svg.vip-presence-sparkline');
		expect(svg.getAttribute('aria-hidden')).toBe('true');
		expect(svg.querySelector('path').getAttribute('d')).toBe(
			'M60 5.4L120 9.8'
		);
		expect(first.querySelector('.screen-reader-text').textContent).toMatch(
			/^Readers in the last hour: peak 4 at \d\d:01( AM| PM)?, now 3$/
		);
		expect(second.querySelector('svg')).toBeNull();

		subscriptions[0].callback(state(1, 8));
		expect(
			document
				.querySelector('.vip-presence-top-posts > li path')
				.getAttribute('d')
		).toBe('M60 12L120 1');
	});

	it("asks WordPress for the list again, through WordPress's apiFetch (its root and nonce), and watches new posts", async () => {
		document.body.innerHTML = widget('');
		apiFetch.mockResolvedValue({
			posts: [
				{
					postId: 7,
					title: 'Breaking <news> & “more”',
					url: 'https://example.org/?p=7',
					count: 3,
					peak: 3,
					peakAt: 1,
					views: 1234,
				},
			],
		});
		require('../index');
		expect(apiFetch).not.toHaveBeenCalled();

		await jest.advanceTimersByTimeAsync(15_000);
		expect(apiFetch).toHaveBeenCalledTimes(1);
		expect(apiFetch).toHaveBeenCalledWith({
			path: '/vip-presence/v1/top?limit=10&series=60',
		});
		expect(texts()).toEqual([
			'Breaking <news> & “more” 3 people reading Peak 3 · 1,234 views',
		]);
		expect(
			document
				.querySelector('.vip-presence-top-posts a')
				.getAttribute('href')
		).toBe('https://example.org/?p=7');
		expect(subscriptions.map((s) => s.postId)).toEqual([7]);
		expect(
			document.querySelector('.vip-presence-top').dataset
				.vipPresenceRefreshes
		).toBe('1');
	});

	it('stops watching posts that left the list and have no readers', async () => {
		document.body.innerHTML = widget(item(1, 2, 2, 2));
		apiFetch.mockResolvedValue({ posts: [] });
		require('../index');
		subscriptions[0].callback(state(1, 0));
		await jest.advanceTimersByTimeAsync(15_000);
		expect(subscriptions[0].unsubscribe).toHaveBeenCalled();
	});

	it('keeps the list when WordPress does not answer, and does not ask while the page is hidden', async () => {
		document.body.innerHTML = widget(item(1, 2, 2, 2));
		apiFetch.mockRejectedValue({
			code: 'vip_presence_unavailable',
			message: 'The presence server is not answering right now.',
			data: { status: 503 },
		});
		require('../index');
		await jest.advanceTimersByTimeAsync(15_000);
		expect(texts()).toEqual(['Post 1 2 people reading Peak 2 · 2 views']);

		Object.defineProperty(document, 'hidden', {
			configurable: true,
			value: true,
		});
		await jest.advanceTimersByTimeAsync(60_000);
		expect(apiFetch).toHaveBeenCalledTimes(1);
		Object.defineProperty(document, 'hidden', {
			configurable: true,
			value: false,
		});
		document.dispatchEvent(new window.Event('visibilitychange'));
		await jest.advanceTimersByTimeAsync(0);
		expect(apiFetch).toHaveBeenCalledTimes(2);
		delete document.hidden;
	});
});
