/**
 * The chart kept current: asked of WordPress's route when it starts, drawn, asked again every turn
 * while the tab is shown (a fake `wp.apiFetch`, which answers with the route's JSON and rejects with
 * WordPress's WP_Error, or its own `fetch_error` when the network is away).
 */
import apiFetch from '@wordpress/api-fetch';
import { keepReadersChart } from '../readers-chart-live';

// WordPress's script (wp.apiFetch), not installed: a mock stands in for it.
jest.mock('@wordpress/api-fetch', () => jest.fn(), { virtual: true });

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
const reply = (body) => Promise.resolve(body);
const refuse = (error) => Promise.reject(error);

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
		apiFetch.mockReset();
	});

	it("draws what the route answers, asked through WordPress's apiFetch (its root and nonce)", async () => {
		apiFetch.mockImplementation(() =>
			reply(answer([null, null, 3, 2, 2], 2))
		);
		stop = keepReadersChart(container, 42, settings);
		expect(container.dataset.vipPresenceStatus).toBe('loading');
		await flush();
		expect(apiFetch).toHaveBeenCalledWith({
			path: '/vip-presence/v1/posts/42/readers',
		});
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
		apiFetch.mockImplementation(() => reply(answer([null, 1, 2], 2)));
		stop = keepReadersChart(container, 42, settings);
		await flush();
		expect(apiFetch).toHaveBeenCalledTimes(1);
		apiFetch.mockImplementation(() => reply(answer([1, 2, 4], 4)));
		jest.advanceTimersByTime(60000);
		await flush();
		expect(apiFetch).toHaveBeenCalledTimes(2);
		expect(container.dataset.vipPresencePeak).toBe('4');
		expect(container.dataset.vipPresenceRefreshes).toBe('2');

		setHidden(true);
		jest.advanceTimersByTime(3 * 60000);
		await flush();
		expect(apiFetch).toHaveBeenCalledTimes(2);
		setHidden(false); // Shown after missed turns: asks at once.
		await flush();
		expect(apiFetch).toHaveBeenCalledTimes(3);
		stop();
		jest.advanceTimersByTime(3 * 60000);
		await flush();
		expect(apiFetch).toHaveBeenCalledTimes(3);
	});

	it("says WordPress's message when the route refuses, and that nobody read the post yet", async () => {
		apiFetch.mockImplementation(() =>
			refuse({
				code: 'vip_presence_unavailable',
				message: 'The presence server is not answering right now.',
				data: { status: 503 },
			})
		);
		stop = keepReadersChart(container, 42, settings);
		await flush();
		expect(container.dataset.vipPresenceStatus).toBe('error');
		expect(container.textContent).toBe(
			'The presence server is not answering right now.'
		);

		apiFetch.mockImplementation(() => reply(answer([null, null, 0], 0)));
		jest.advanceTimersByTime(60000);
		await flush();
		expect(container.dataset.vipPresenceStatus).toBe('ok');
		expect(container.querySelector('svg')).toBeNull();
		expect(container.textContent).toBe('No readers yet.');
	});

	it('keeps what it drew when the network is away, and asks again next turn', async () => {
		apiFetch.mockImplementation(() => reply(answer([null, 1, 2], 2)));
		stop = keepReadersChart(container, 42, settings);
		await flush();
		expect(container.dataset.vipPresenceStatus).toBe('ok');
		const drawn = container.innerHTML;

		apiFetch.mockImplementation(() =>
			refuse({
				code: 'fetch_error',
				message: 'You are probably offline.',
			})
		);
		jest.advanceTimersByTime(60000);
		await flush();
		expect(apiFetch).toHaveBeenCalledTimes(2);
		expect(container.dataset.vipPresenceStatus).toBe('ok');
		expect(container.innerHTML).toBe(drawn);

		apiFetch.mockImplementation(() => reply(answer([1, 2, 3], 3)));
		jest.advanceTimersByTime(60000);
		await flush();
		expect(container.dataset.vipPresenceRefreshes).toBe('2');
		expect(container.dataset.vipPresenceCount).toBe('3');
	});

	it('says it could not load the chart when the network is away before anything was drawn', async () => {
		apiFetch.mockImplementation(() =>
			refuse({
				code: 'fetch_error',
				message: 'You are probably offline.',
			})
		);
		stop = keepReadersChart(container, 42, settings);
		await flush();
		expect(container.dataset.vipPresenceStatus).toBe('error');
		expect(container.textContent).toBe(
			'Readers over time could not be loaded.'
		);
	});
});
