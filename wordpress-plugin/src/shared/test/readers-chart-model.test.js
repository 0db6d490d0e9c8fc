/**
 * Where the post editor's chart draws its line, area, peak and time ticks.
 */
import {
	CHART_BOX,
	readersChartModel,
	timeTicks,
} from '../readers-chart-model';

const MINUTE = 60000;
const FROM = Date.UTC(2026, 10, 29, 14, 7);
const series = (max, bucketMs = MINUTE) => ({
	from: FROM,
	bucketMs,
	max,
	mean: max,
});
const { plot } = CHART_BOX;
const bottom = plot.y + plot.height;

describe("the readers chart's drawing", () => {
	it('draws the known buckets as a line with an area under it, the peak at the top', () => {
		const model = readersChartModel(series([1, 2, 4]), 3);
		expect(model.line).toBe(`M6 76L140 58L274 22`);
		expect(model.area).toBe(
			`M6 ${bottom}L6 76L140 58L274 22L274 ${bottom}Z`
		);
		expect(model.peak).toEqual({
			value: 4,
			at: FROM + 2 * MINUTE,
			x: 274,
			y: 22,
		});
	});

	it('leaves the buckets before the series began as a gap, not at 0', () => {
		const model = readersChartModel(
			series([null, null, null, null, 0, 2]),
			1
		);
		expect(model.line).toBe(`M220.4 ${bottom}L274 22`);
		expect(model.area).toBe(
			`M220.4 ${bottom}L220.4 ${bottom}L274 22L274 ${bottom}Z`
		);
	});

	it('marks the first bucket of the peak and draws the live count as the current bucket', () => {
		const model = readersChartModel(series([0, 5, 5, 1]), 7);
		expect(model.peak).toMatchObject({
			value: 7,
			at: FROM + 3 * MINUTE,
			x: 274,
			y: 22,
		});
		expect(readersChartModel(series([0, 5, 2, 5]), 1).peak).toMatchObject({
			value: 5,
			at: FROM + MINUTE,
		});
	});

	it('marks no peak when nobody read the post', () => {
		const model = readersChartModel(series([null, null, 0]), 0);
		expect(model.peak).toBeNull();
		expect(model.line).toBe(`M274 ${bottom}l0 0`);
	});
});

describe("the readers chart's time ticks", () => {
	const day = series(new Array(1440).fill(null));

	it('puts a tick every 6 hours of 24, at round hours of the site clock', () => {
		const ticks = timeTicks(day, { timeZone: '', offsetMinutes: 0 });
		expect(
			ticks.map(({ at }) => new Date(at).toISOString().slice(11, 16))
		).toEqual(['18:00', '00:00', '06:00', '12:00']);
		expect(ticks[0].x).toBeCloseTo(
			plot.x + ((233 * MINUTE) / (1439 * MINUTE)) * plot.width,
			2
		);
	});

	it('rounds in the site time zone, not in UTC', () => {
		const ticks = timeTicks(day, {
			timeZone: 'Asia/Kolkata',
			offsetMinutes: 330,
		});
		expect(new Date(ticks[0].at).toISOString().slice(11, 16)).toBe('18:30'); // Midnight there.
	});

	it('chooses shorter steps for shorter periods', () => {
		const ticks = timeTicks(
			series(new Array(60).fill(0), 10000),
			undefined
		); // 10 minutes.
		expect(ticks.map(({ at }) => (at - FROM) / MINUTE)).toEqual([
			1, 3, 5, 7, 9,
		]); // Every 2 minutes.
		expect(timeTicks(series([1]), undefined)).toEqual([]);
	});
});
