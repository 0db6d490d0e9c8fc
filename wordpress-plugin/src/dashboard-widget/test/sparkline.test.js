/**
 * The trend line of a post's last hour, without any DOM.
 */
import {
	isSeries,
	seriesPeak,
	sparklinePath,
	sparklineSummary,
} from '../sparkline';

const FROM = Date.UTC(2026, 10, 30, 14, 0);
const series = (max) => ({
	from: FROM,
	bucketMs: 60000,
	max,
	mean: max,
});

describe('the trend line', () => {
	it('draws the buckets from left to right, the most readers at the top', () => {
		expect(sparklinePath([0, 4, 2], 60, 22)).toBe('M0 21L30 1L60 11');
	});

	it('breaks the line where a bucket is not known, and draws a lone known bucket as a dot', () => {
		expect(sparklinePath([1, null, 1, 1, null, 1], 50, 12)).toBe(
			'M0 1l0 0 M20 1L30 1 M50 1l0 0'
		);
	});

	it('draws nothing when nothing is known', () => {
		expect(sparklinePath([null, null], 60, 24)).toBe('');
	});

	it('keeps a line of zeros at the bottom', () => {
		expect(sparklinePath([0, 0], 10, 24)).toBe('M0 23L10 23');
	});

	it('takes only well-formed series', () => {
		expect(isSeries(series([null, 1, 0]))).toBe(true);
		expect(isSeries(null)).toBe(false);
		expect(isSeries({ ...series([1]), bucketMs: 0 })).toBe(false);
		expect(isSeries(series([1, -1]))).toBe(false);
		expect(isSeries(series([1, '2']))).toBe(false);
	});
});

describe('what the trend line says to screen readers', () => {
	it('names the peak, the minute it was first reached and the readers now', () => {
		expect(seriesPeak(series([null, 9, 3, 9, 2]), 2)).toEqual({
			peak: 9,
			at: FROM + 60000,
		});
		expect(
			sparklineSummary(series([null, 9, 3, 9, 2]), 2, 'en-GB', 'UTC')
		).toBe('Readers in the last hour: peak 9 at 14:01, now 2');
	});

	it('counts the live count as the current bucket', () => {
		expect(seriesPeak(series([1, 2, null]), 5)).toEqual({
			peak: 5,
			at: FROM + 120000,
		});
	});

	it('formats the numbers in the language of the page', () => {
		expect(sparklineSummary(series([1234]), 1000, 'en-US', 'UTC')).toBe(
			'Readers in the last hour: peak 1,234 at 02:00 PM, now 1,000'
		);
	});
});
