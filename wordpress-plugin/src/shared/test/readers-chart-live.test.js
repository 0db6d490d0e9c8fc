/**
 * The chart kept current: asked of WordPress's route when it starts, drawn, asked again every turn
 * while the tab is shown (a fake `fetch`).
 */
import { keepReadersChart } from '../readers-chart-live';

const MINUTE = 60000;
const FROM = Date.UTC(2026, 10, 29, 14, 7);
const answer = (max, count) => ({
	postId: 42,
	count,
	peak: 3,
	peakAt: null,
	views: 9,
	series: { from: FROM, bucketMs: MINUTE, max, mean: max },
});
const settings = {
	nonce: 'abc123',
	zone: { timeZone: '', offsetMinutes: 0 },
	refreshMs: 60000,
	locale: 'en-GB',
};
const flush = async () => {
	for (let i = 0; i < 5; i += 1) {
		await Promise.resolve();
	}
};
const setHidden = (hidden) => {
	Object.defineProperty(document, 'hidden', {
		value: hidden,
		configurable: true,
	});
	document.dispatchEvent(new Event('visibilitychange'));
};
const reply = (status, body) =>
	Promise.resolve({
		ok: status === 200,
		status,
		json: () => Promise.resolve(body),
	});

describe('the readers chart, kept current', () => {
	let container;
	let stop;

	beforeEach(() => {
		jest.useFakeTimers();
		container = document.createElement('div');
		document.body.append(container);
	});

	afterEach(() => {
		stop?.();
		container.remove();
		jest.useRealTimers();
		delete window.fetch;
	});

	it('draws what the route answers, with the nonce and no credential of its own', async () => {
		window.fetch = jest.fn(() =>
			reply(200, answer([null, null, 3, 2, 2], 2))
		);
		stop = keepReadersChart(
			container,
			'/wp-json/vip-presence/v1/posts/42/readers',
			settings
		);
		expect(container.dataset.vipPresenceStatus).toBe('loading');
		await flush();
		expect(window.fetch).toHaveBeenCalledWith(
			'/wp-json/vip-presence/v1/posts/42/readers',
			{
				credentials: 'same-origin',
				headers: { Accept: 'application/json', 'X-WP-Nonce': 'abc123' },
			}
		);
		expect(container.dataset.vipPresenceStatus).toBe('ok');
		expect(container.dataset.vipPresencePeak).toBe('3');
		expect(container.dataset.vipPresenceCount).toBe('2');
		expect(
			container.querySelector('.vip-presence-readers-chart-peak-label')
				.textContent
		).toBe('Peak 3 at 14:09');
		expect(container.querySelector('svg').getAttribute('aria-hidden')).toBe(
			'true'
		);
		expect(
			container.querySelector('.vip-presence-readers-chart-summary')
				.textContent
		).toBe(
			'Readers in the last 5 minutes: now 2, peak 3 at 14:09 UTC. Readership is falling.'
		);
	});

	it('asks again every minute while the tab is shown, and not while it is hidden', async () => {
		window.fetch = jest.fn(() => reply(200, answer([null, 1, 2], 2)));
		stop = keepReadersChart(container, '/readers', settings);
		await flush();
		expect(window.fetch).toHaveBeenCalledTimes(1);
		window.fetch.mockImplementation(() => reply(200, answer([1, 2, 4], 4)));
		jest.advanceTimersByTime(60000);
		await flush();
		expect(window.fetch).toHaveBeenCalledTimes(2);
		expect(container.dataset.vipPresencePeak).toBe('4');
		expect(container.dataset.vipPresenceRefreshes).toBe('2');

		setHidden(true);
		jest.advanceTimersByTime(3 * 60000);
		await flush();
		expect(window.fetch).toHaveBeenCalledTimes(2);
		setHidden(false); // Shown after missed turns: asks at once.
		await flush();
		expect(window.fetch).toHaveBeenCalledTimes(3);
		stop();
		jest.advanceTimersByTime(3 * 60000);
		await flush();
		expect(window.fetch).toHaveBeenCalledTimes(3);
	});

	it("says WordPress's message when the route refuses, and that nobody read the post yet", async () => {
		window.fetch = jest.fn(() =>
			reply(503, {
				code: 'vip_presence_unavailable',
				message: 'The presence server is not answering right now.',
			})
		);
		stop = keepReadersChart(container, '/readers', settings);
		await flush();
		expect(container.dataset.vipPresenceStatus).toBe('error');
		expect(container.textContent).toBe(
			'The presence server is not answering right now.'
		);

		window.fetch.mockImplementation(() =>
			reply(200, answer([null, null, 0], 0))
		);
		jest.advanceTimersByTime(60000);
		await flush();
		expect(container.dataset.vipPresenceStatus).toBe('ok');
		expect(container.querySelector('svg')).toBeNull();
		expect(container.textContent).toBe('No readers yet.');
	});
});
