/**
 * A post's readers over time as a small trend line, kept without any DOM: the SVG path of a series
 * (`{ from, bucketMs, max: [...], mean: [...] }`, as GET /wp-json/vip-presence/v1/top?series=60
 * passes it on) and the sentence screen readers get instead of the line.
 *
 * The line draws `max` (the most readers at once in each bucket): a spike of readers shows, where
 * the mean would flatten it. A bucket that is `null` (not known: before the post was first read, or
 * lost with a Redis restart) breaks the line rather than drawing a 0 nobody measured.
 */

/**
 * WordPress dependencies
 */
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { formatCount } from '../shared/format-count';

/**
 * Tells whether a value is a series the line can be drawn from.
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
 * Returns the SVG path of a series in a box of `width` x `height` (the first bucket at x 0, the last
 * at x `width`, 0 readers at the bottom, the most at the top with a pixel to spare).
 *
 * @param {number[]} values Readers per bucket, oldest first; `null` where not known.
 * @param {number}   width  Width of the box.
 * @param {number}   height Height of the box.
 * @return {string} Path data (`''` when nothing is known); a lone known bucket is a dot.
 */
export function sparklinePath(values, width, height) {
	const top = Math.max(1, ...values.filter((value) => value !== null));
	const step = values.length > 1 ? width / (values.length - 1) : 0;
	const round = (number) => Math.round(number * 100) / 100;
	let path = '';
	let drawing = false;
	values.forEach((value, index) => {
		if (value === null) {
			drawing = false;
			return;
		}
		const x = round(index * step);
		const y = round(height - 1 - (value / top) * (height - 2));
		path += `${drawing ? 'L' : `${path ? ' ' : ''}M`}${x} ${y}`;
		drawing = true;
	});
	// A lone point of a subpath draws nothing unless it has a length: give it none, with round caps.
	return path.replace(/M([\d.]+) ([\d.]+)(?=$| M)/g, 'M$1 $2l0 0');
}

/**
 * Returns the most readers at once over a series and when (the start of the first bucket that had
 * them), counting the live count as the current bucket's.
 *
 * @param {Object} series A series (isSeries()).
 * @param {number} count  Readers now.
 * @return {{peak: number, at: number}} The peak and its time (ms since the epoch).
 */
export function seriesPeak(series, count) {
	const values = series.max.slice();
	const last = values.length - 1;
	if (last >= 0 && (values[last] === null || values[last] < count)) {
		values[last] = count;
	}
	let peak = 0;
	let at = series.from + Math.max(0, last) * series.bucketMs;
	values.forEach((value, index) => {
		if (value !== null && value > peak) {
			peak = value;
			at = series.from + index * series.bucketMs;
		}
	});
	return { peak, at };
}

/**
 * "Readers in the last hour: peak 9 at 14:05, now 3": what the line says, for screen readers.
 *
 * @param {Object}  series     A series (isSeries()).
 * @param {number}  count      Readers now.
 * @param {string=} [locale]   Language of the page, for numbers and the time.
 * @param {string=} [timeZone] Time zone of the time (the browser's unless given).
 * @return {string} Text.
 */
export function sparklineSummary(series, count, locale, timeZone) {
	const { peak, at } = seriesPeak(series, count);
	let time;
	try {
		time = new Intl.DateTimeFormat(locale || undefined, {
			hour: '2-digit',
			minute: '2-digit',
			timeZone,
		}).format(at);
	} catch {
		time = new Intl.DateTimeFormat(undefined, {
			hour: '2-digit',
			minute: '2-digit',
			timeZone,
		}).format(at);
	}
	return sprintf(
		/* translators: 1: the most people who read the post at once in the last hour, 2: when (e.g. 14:05), 3: people reading it now */
		__(
			'Readers in the last hour: peak %1$s at %2$s, now %3$s',
			'vip-presence'
		),
		formatCount(peak, locale),
		time,
		formatCount(count, locale)
	);
}
