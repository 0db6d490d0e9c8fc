/**
 * A post's readers over time, kept without any DOM: the series WordPress passes on from the
 * presence server (`{ from, bucketMs, max: [...], mean: [...] }`: bucket i began at
 * `from + i * bucketMs`, oldest first, the last the current one), its peak, and the points and SVG
 * paths of its line. Shared by the dashboard's trend lines (sparkline.js) and the post editor's chart
 * (readers-chart-model.js).
 *
 * Lines draw `max` (the most readers at once in each bucket): a spike of readers shows, where the
 * mean would flatten it. A bucket that is `null` (not known: before the post was first read, or lost
 * with a Redis restart) breaks the line rather than drawing a 0 nobody measured.
 */

/**
 * Tells whether a value is a series a line can be drawn from.
 *
 * @param {*} series Value.
 * @return {boolean} Whether it is.
 */
export function isSeries(series) {
	return (
		typeof series === 'object' &&
		series !== null &&
		Number.isSafeInteger(series.from) &&
		Number.isSafeInteger(series.bucketMs) &&
		series.bucketMs > 0 &&
		Array.isArray(series.max) &&
		series.max.every(
			(value) =>
				value === null || (Number.isSafeInteger(value) && value >= 0)
		)
	);
}

/**
 * Returns a series' readers per bucket with the live count as the current bucket's (the live count
 * is newer than the answer; the current bucket shows at least it).
 *
 * @param {Object} series A series (isSeries()).
 * @param {number} count  Readers now.
 * @return {Array<number|null>} Readers per bucket, oldest first, `null` where not known.
 */
export function seriesValues(series, count) {
	const values = series.max.slice();
	const last = values.length - 1;
	if (last >= 0 && (values[last] === null || values[last] < count)) {
		values[last] = count;
	}
	return values;
}

/**
 * Returns the most readers at once over a series and when (the start of the first bucket that had
 * them), counting the live count as the current bucket's.
 *
 * @param {Object} series A series (isSeries()).
 * @param {number} count  Readers now.
 * @return {{peak: number, at: number, index: number}} The peak, its time (ms since the epoch) and its bucket.
 */
export function seriesPeak(series, count) {
	const values = seriesValues(series, count);
	const last = Math.max(0, values.length - 1);
	let peak = 0;
	let index = last;
	values.forEach((value, i) => {
		if (value !== null && value > peak) {
			peak = value;
			index = i;
		}
	});
	return { peak, at: series.from + index * series.bucketMs, index };
}

/**
 * Places each bucket in a box: the first at its left edge, the last at its right, 0 readers at its
 * bottom and `top` readers at its top.
 *
 * @param {Array<number|null>} values Readers per bucket, oldest first; `null` where not known.
 * @param {Object}             box    `{ x, y, width, height, top }`: the box, and the readers at its top
 *                                    (default: the most of `values`, at least 1).
 * @return {Array<{x: number, y: number}|null>} A point per bucket, `null` where not known.
 */
export function seriesPoints(values, box) {
	const top =
		box.top || Math.max(1, ...values.filter((value) => value !== null));
	const step = values.length > 1 ? box.width / (values.length - 1) : 0;
	return values.map((value, index) =>
		value === null
			? null
			: {
					x: round(box.x + index * step),
					y: round(box.y + box.height - (value / top) * box.height),
				}
	);
}

/**
 * Returns the SVG path of a line through points, broken where a point is `null`.
 *
 * @param {Array<{x: number, y: number}|null>} points Points (seriesPoints()).
 * @return {string} Path data (`''` when there is no point); a lone point is a dot (round caps).
 */
export function linePath(points) {
	return runsOf(points)
		.map((run) =>
			run.length === 1
				? // A lone point draws nothing unless it has a length: give it none.
					`M${run[0].x} ${run[0].y}l0 0`
				: run
						.map(
							(point, index) =>
								`${index ? 'L' : 'M'}${point.x} ${point.y}`
						)
						.join('')
		)
		.join(' ');
}

/**
 * Returns the SVG path of the area under a line, down to `baseY`, broken where a point is `null`.
 *
 * @param {Array<{x: number, y: number}|null>} points Points (seriesPoints()).
 * @param {number}                             baseY  The y of 0 readers.
 * @return {string} Path data; runs of a single point have no area.
 */
export function areaPath(points, baseY) {
	return runsOf(points)
		.filter((run) => run.length > 1)
		.map(
			(run) =>
				`M${run[0].x} ${baseY}` +
				run.map((point) => `L${point.x} ${point.y}`).join('') +
				`L${run[run.length - 1].x} ${baseY}Z`
		)
		.join(' ');
}

/**
 * The fewest readers at the top of a trend line: below it, a line is drawn to that scale, so that
 * one reader and two (a post's first minutes, a small site) are told apart rather than both
 * filling the box.
 */
export const SPARKLINE_MIN_TOP = 5;

/**
 * Returns the SVG path of a small trend line in a box of `width` x `height` (the first bucket at
 * x 0, the last at x `width`, 0 readers at the bottom, the most (at least SPARKLINE_MIN_TOP) at
 * the top with a pixel to spare).
 *
 * @param {Array<number|null>} values Readers per bucket, oldest first; `null` where not known.
 * @param {number}             width  Width of the box.
 * @param {number}             height Height of the box.
 * @return {string} Path data (`''` when nothing is known); a lone known bucket is a dot.
 */
export function sparklinePath(values, width, height) {
	const top = Math.max(
		SPARKLINE_MIN_TOP,
		...values.filter((value) => value !== null)
	);
	return linePath(
		seriesPoints(values, { x: 0, y: 1, width, height: height - 2, top })
	);
}

/**
 * Splits points into runs of known ones.
 *
 * @param {Array<Object|null>} points Points.
 * @return {Array<Object[]>} Runs.
 */
function runsOf(points) {
	const runs = [];
	let run = null;
	points.forEach((point) => {
		if (point === null) {
			run = null;
			return;
		}
		if (!run) {
			run = [];
			runs.push(run);
		}
		run.push(point);
	});
	return runs;
}

function round(number) {
	return Math.round(number * 100) / 100;
}
