/**
 * What the post editor's chart says in words.
 */
import {
	peakLabel,
	periodText,
	readersChartSummary,
	readersTrend,
} from '../readers-chart-text';

const MINUTE = 60000;
const FROM = Date.UTC(2026, 10, 29, 14, 7);
const series = (max, bucketMs = MINUTE) => ({
	from: FROM,
	bucketMs,
	max,
	mean: max,
});
const UTC = { timeZone: '', offsetMinutes: 0 };

describe("the readers chart's summary", () => {
	it('says readers now, the peak and when in the site time zone, and the trend', () => {
		const day = new Array(1440).fill(null);
		day[1437] = 1;
		day[1438] = 5;
		day[1439] = 3;
		expect(readersChartSummary(series(day), 4, 'en-GB', UTC)).toBe(
			'Readers in the last 24 hours: now 4, peak 5 at 14:05 UTC. Readership is rising.'
		);
		expect(
			readersChartSummary(series(day), 4, 'en-GB', {
				timeZone: 'Europe/Paris',
				offsetMinutes: 60,
			})
		).toMatch(
			/^Readers in the last 24 hours: now 4, peak 5 at 15:05 (CET|GMT\+1)\./
		);
		expect(
			readersChartSummary(series(day), 4, 'en-US', {
				timeZone: '',
				offsetMinutes: -210,
			})
		).toContain('peak 5 at 10:35 AM UTC-3:30.');
	});

	it('says there were no readers yet rather than drawing nobody', () => {
		expect(
			readersChartSummary(series([null, null, 0]), 0, 'en-GB', UTC)
		).toBe('No readers yet.');
	});

	it('names no trend with a single known bucket', () => {
		expect(
			readersChartSummary(series([null, null, null]), 2, 'en-GB', UTC)
		).toBe('Readers in the last 3 minutes: now 2, peak 2 at 14:09 UTC.');
	});

	it('names the period the series covers', () => {
		expect(periodText(series(new Array(60).fill(null)))).toBe(
			'Readers in the last hour'
		);
		expect(periodText(series(new Array(1440).fill(null), 10000))).toBe(
			'Readers in the last 4 hours'
		);
		expect(periodText(series([1]))).toBe('Readers in the last 1 minute');
	});

	it('labels the peak on the chart', () => {
		expect(peakLabel(1234, FROM, 'en-US', UTC)).toBe(
			'Peak 1,234 at 02:07 PM'
		);
	});
});

describe('the trend of readers', () => {
	it('compares the later half of the known buckets with the earlier half', () => {
		expect(readersTrend(series([null, 1, 1, 4, 4]), 4)).toBe('rising');
		expect(readersTrend(series([6, 5, 1, 0]), 0)).toBe('falling');
		expect(readersTrend(series([null, 10, 11, 10, 9]), 10)).toBe('steady');
		expect(readersTrend(series([0, 0, 0]), 0)).toBe('steady');
		expect(readersTrend(series([null, null, 2]), 2)).toBeNull();
	});
});
