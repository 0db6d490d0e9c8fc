/**
 * What the post editor's "Readers over time" chart says in words: its summary for screen readers
 * (readers now, the peak and when, the trend over the period) and the peak's label, in the site's
 * time zone.
 */

/**
 * WordPress dependencies
 */
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { formatCount } from './format-count';
import { formatTime } from './format-time';
import { seriesPeak, seriesValues } from './series';

/**
 * Tells how readers went over a series: the mean of the later half of its known buckets against
 * that of the earlier half (the live count as the current bucket). A change of less than a fifth
 * (and of less than half a reader) is steady.
 *
 * @param {Object} series A series (isSeries()).
 * @param {number} count  Readers now.
 * @return {'rising'|'falling'|'steady'|null} The trend; null with fewer than two known buckets.
 */
export function readersTrend(series, count) {
	const known = seriesValues(series, count).filter((value) => value !== null);
	if (known.length < 2) {
		return null;
	}
	const half = Math.floor(known.length / 2);
	const mean = (values) =>
		values.reduce((sum, value) => sum + value, 0) / values.length;
	const earlier = mean(known.slice(0, half));
	const later = mean(known.slice(known.length - half));
	const change = later - earlier;
	if (Math.abs(change) < Math.max(0.5, 0.2 * Math.max(earlier, later))) {
		return 'steady';
	}
	return change > 0 ? 'rising' : 'falling';
}

/**
 * "Readers in the last 24 hours", "Readers in the last hour", "Readers in the last 30 minutes": the
 * period a series covers.
 *
 * @param {Object} series A series (isSeries()).
 * @return {string} Text.
 */
export function periodText(series) {
	const minutes = Math.round((series.max.length * series.bucketMs) / 60000);
	if (minutes >= 60 && minutes % 60 === 0) {
		const hours = minutes / 60;
		return hours === 1
			? __('Readers in the last hour', 'vip-presence')
			: sprintf(
					/* translators: %s: a number of hours, e.g. 24 */
					_n(
						'Readers in the last %s hour',
						'Readers in the last %s hours',
						hours,
						'vip-presence'
					),
					formatCount(hours)
				);
	}
	return sprintf(
		/* translators: %s: a number of minutes */
		_n(
			'Readers in the last %s minute',
			'Readers in the last %s minutes',
			minutes,
			'vip-presence'
		),
		formatCount(minutes)
	);
}

/**
 * The summary for screen readers: "Readers in the last 24 hours: now 3, peak 5 at 14:05 UTC.
 * Readership is rising." Or "No readers yet." when nobody read the post in the period.
 *
 * @param {Object}                       series   A series (isSeries()).
 * @param {number}                       count    Readers now.
 * @param {string=}                      [locale] Language of the page.
 * @param {import('./format-time').Zone} [zone]   The site's time zone.
 * @return {string} Text.
 */
export function readersChartSummary(series, count, locale, zone) {
	const { peak, at } = seriesPeak(series, count);
	if (peak === 0) {
		return noReadersText();
	}
	const summary = sprintf(
		/* translators: 1: "Readers in the last 24 hours", 2: people reading the post now, 3: the most people who read it at once, 4: when (e.g. 14:05 UTC) */
		__('%1$s: now %2$s, peak %3$s at %4$s.', 'vip-presence'),
		periodText(series),
		formatCount(count, locale),
		formatCount(peak, locale),
		formatTime(at, locale, zone, true)
	);
	const trend = {
		rising: __('Readership is rising.', 'vip-presence'),
		falling: __('Readership is falling.', 'vip-presence'),
		steady: __('Readership is steady.', 'vip-presence'),
	}[readersTrend(series, count)];
	return trend ? `${summary} ${trend}` : summary;
}

/**
 * The peak's label on the chart: "Peak 5 at 14:05".
 *
 * @param {number}                       peak     The most readers at once.
 * @param {number}                       at       When, ms since the epoch.
 * @param {string=}                      [locale] Language of the page.
 * @param {import('./format-time').Zone} [zone]   The site's time zone.
 * @return {string} Text.
 */
export function peakLabel(peak, at, locale, zone) {
	return sprintf(
		/* translators: 1: the most people who read the post at once, 2: when (e.g. 14:05) */
		__('Peak %1$s at %2$s', 'vip-presence'),
		formatCount(peak, locale),
		formatTime(at, locale, zone)
	);
}

/**
 * What the chart says when the post had no readers in its period.
 *
 * @return {string} Text.
 */
export function noReadersText() {
	return __('No readers yet.', 'vip-presence');
}

/**
 * What the chart says of a post that is not published: nobody can read it yet.
 *
 * @return {string} Text.
 */
export function unpublishedText() {
	return __(
		'No readers yet: readers are counted once the post is published.',
		'vip-presence'
	);
}
