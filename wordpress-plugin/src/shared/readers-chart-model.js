/**
 * The post editor's "Readers over time" chart, kept without any DOM: where its line, its area, its
 * peak and its time ticks go in the SVG's box (readers-chart-svg.js draws them). The chart shows the
 * route's whole series (GET /wp-json/vip-presence/v1/posts/<id>/readers: 24 hours of minutes by
 * default), the live count as the current bucket, unknown buckets as a gap.
 */

/**
 * Internal dependencies
 */
import { zoneOffsetMinutes } from './format-time';
import {
	areaPath,
	linePath,
	seriesPeak,
	seriesPoints,
	seriesValues,
} from './series';

/** The SVG's box: the plot in it, room above for the peak's label and below for the ticks. */
export const CHART_BOX = {
	width: 280,
	height: 120,
	plot: { x: 6, y: 22, width: 268, height: 72 },
};

/** Steps between time ticks to choose from, shortest first. */
const TICK_STEPS_MS = [
	1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440,
].map((minutes) => minutes * 60000);

/** At most this many time ticks. */
const MAX_TICKS = 5;

/**
 * Returns what the chart draws.
 *
 * @param {Object}                       series A series (isSeries()), at least one bucket.
 * @param {number}                       count  Readers now.
 * @param {import('./format-time').Zone} [zone] Time zone of the ticks (round hours of the site's clock).
 * @return {{line: string, area: string, baseY: number, peak: {value: number, at: number, x: number, y: number}|null, ticks: Array<{at: number, x: number}>}}
 *         Paths, the y of 0 readers, the peak (null when nobody read the post) and the ticks.
 */
export function readersChartModel(series, count, zone) {
	const { plot } = CHART_BOX;
	const values = seriesValues(series, count);
	const { peak, at, index } = seriesPeak(series, count);
	const points = seriesPoints(values, {
		...plot,
		top: Math.max(1, peak),
	});
	const baseY = plot.y + plot.height;
	return {
		line: linePath(points),
		area: areaPath(points, baseY),
		baseY,
		peak: peak > 0 ? { value: peak, at, ...points[index] } : null,
		ticks: timeTicks(series, zone),
	};
}

/**
 * Returns the time ticks of a series: at most MAX_TICKS, at round times of the zone's clock (every
 * 6 hours over 24 hours), each where its bucket is drawn.
 *
 * @param {Object}                       series A series (isSeries()).
 * @param {import('./format-time').Zone} [zone] Time zone.
 * @return {Array<{at: number, x: number}>} Ticks, oldest first.
 */
export function timeTicks(series, zone) {
	const { plot } = CHART_BOX;
	const last = series.max.length - 1;
	if (last < 1) {
		return [];
	}
	const spanMs = last * series.bucketMs;
	const stepMs =
		TICK_STEPS_MS.find((step) => spanMs / step < MAX_TICKS) ||
		Math.ceil(spanMs / MAX_TICKS / 3600000) * 3600000;
	// Round times of the zone's clock: shift to it, round up, shift back.
	const offsetMs = (zone ? zoneOffsetMinutes(zone) : 0) * 60000;
	const ticks = [];
	for (
		let at =
			Math.ceil((series.from + offsetMs) / stepMs) * stepMs - offsetMs;
		at <= series.from + spanMs;
		at += stepMs
	) {
		ticks.push({
			at,
			x:
				Math.round(
					(plot.x + ((at - series.from) / spanMs) * plot.width) * 100
				) / 100,
		});
	}
	return ticks;
}
