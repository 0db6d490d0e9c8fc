/**
 * What a post's trend line of the last hour says to screen readers, instead of the line (the line
 * itself: ../shared/series.js).
 */

/**
 * WordPress dependencies
 */
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { formatCount } from '../shared/format-count';
import { formatTime } from '../shared/format-time';
import { seriesPeak } from '../shared/series';

/**
 * "Readers in the last hour: peak 9 at 14:05, now 3".
 *
 * @param {Object}  series     A series (isSeries()).
 * @param {number}  count      Readers now.
 * @param {string=} [locale]   Language of the page, for numbers and the time.
 * @param {string=} [timeZone] Time zone of the time (the browser's unless given).
 * @return {string} Text.
 */
export function sparklineSummary(series, count, locale, timeZone) {
	const { peak, at } = seriesPeak(series, count);
	return sprintf(
		/* translators: 1: the most people who read the post at once in the last hour, 2: when (e.g. 14:05), 3: people reading it now */
		__(
			'Readers in the last hour: peak %1$s at %2$s, now %3$s',
			'vip-presence'
		),
		formatCount(peak, locale),
		formatTime(at, locale, timeZone ? { timeZone } : undefined),
		formatCount(count, locale)
	);
}
