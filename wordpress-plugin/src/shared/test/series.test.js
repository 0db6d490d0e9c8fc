/**
 * A post's readers over time, without any DOM: the series, its peak, its lines.
 */
import {
	areaPath,
	isSeries,
	linePath,
	seriesPeak,
	seriesPoints,
	seriesValues,
	sparklinePath,
} from '../series';

const FROM = Date.UTC(2026, 10, 30, 14, 0);
const series = (max) => ({
	from: FROM,
	bucketMs: 60000,
	max,
	mean: max,
});

describe('the trend line', () => {
	it('draws the buckets from left to right, the most readers at the top', () => {
		expect(sparklinePath([0, 8, 4], 60, 22)).toBe('M0 21L30 1L60 11');
	});

	it('draws few readers to a scale of at least 5, so that one and two differ', () => {
		expect(sparklinePath([0, 4, 2], 60, 22)).toBe('M0 21L30 5L60 13');
		// A post's first minute: its one bucket, with one reader and then two.
		expect(sparklinePath([null, null, 1], 120, 22)).toBe('M120 17l0 0');
		expect(sparklinePath([null, null, 2], 120, 22)).toBe('M120 13l0 0');
	});

	it('breaks the line where a bucket is not known, and draws a lone known bucket as a dot', () => {
		expect(sparklinePath([5, null, 5, 5, null, 5], 50, 12)).toBe(
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

describe('the peak of a series', () => {
	it('is the most readers at once and the minute it was first reached', () => {
		expect(seriesPeak(series([null, 9, 3, 9, 2]), 2)).toEqual({
			peak: 9,
			at: FROM + 60000,
			index: 1,
		});
	});

	it('counts the live count as the current bucket', () => {
		expect(seriesPeak(series([1, 2, null]), 5)).toEqual({
			peak: 5,
			at: FROM + 120000,
			index: 2,
		});
		expect(seriesValues(series([1, null, null]), 0)).toEqual([1, null, 0]);
		expect(seriesValues(series([1, 4]), 2)).toEqual([1, 4]);
	});

	it('is 0 now when nobody ever read the post', () => {
		expect(seriesPeak(series([null, null, 0]), 0)).toEqual({
			peak: 0,
			at: FROM + 120000,
			index: 2,
		});
	});
});

describe('the line and the area of a chart', () => {
	const box = { x: 10, y: 20, width: 40, height: 10 };

	it('places the buckets in a box, 0 at its bottom, the most at its top', () => {
		expect(seriesPoints([0, null, 2, 1, 4], box)).toEqual([
			{ x: 10, y: 30 },
			null,
			{ x: 30, y: 25 },
			{ x: 40, y: 27.5 },
			{ x: 50, y: 20 },
		]);
		expect(seriesPoints([2], { ...box, top: 4 })).toEqual([
			{ x: 10, y: 25 },
		]);
	});

	it('fills under each run of known buckets and leaves the unknown ones empty, not at 0', () => {
		const points = seriesPoints([null, null, 1, 2, null, 2], box); // Steps of 8.
		expect(linePath(points)).toBe('M26 25L34 20 M50 20l0 0');
		expect(areaPath(points, 30)).toBe('M26 30L26 25L34 20L34 30Z');
		expect(areaPath(seriesPoints([null, null], box), 30)).toBe('');
	});
});
