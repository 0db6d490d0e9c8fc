/**
 * What the trend line of a post's last hour says to screen readers.
 */
import { sparklineSummary } from '../sparkline';

const FROM = Date.UTC(2026, 10, 30, 14, 0);
const series = (max) => ({
	from: FROM,
	bucketMs: 60000,
	max,
	mean: max,
});

describe('what the trend line says to screen readers', () => {
	it('names the peak, the minute it was first reached and the readers now', () => {
		expect(
			sparklineSummary(series([null, 9, 3, 9, 2]), 2, 'en-GB', 'UTC')
		).toBe('Readers in the last hour: peak 9 at 14:01, now 2');
	});

	it('formats the numbers in the language of the page', () => {
		expect(sparklineSummary(series([1234]), 1000, 'en-US', 'UTC')).toBe(
			'Readers in the last hour: peak 1,234 at 02:00 PM, now 1,000'
		);
	});
});
