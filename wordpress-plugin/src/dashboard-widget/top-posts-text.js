/**
 * WordPress dependencies
 */
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { formatCount } from '../shared/format-count';

/**
 * "3 people reading", as dashboard-widget.php prints it.
 *
 * @param {number}  count    People reading the post now.
 * @param {string=} [locale] Language of the page, for number formatting.
 * @return {string} Text.
 */
export function readingText(count, locale) {
	return sprintf(
		/* translators: %s: number of people reading the post right now */
		_n('%s person reading', '%s people reading', count, 'vip-presence'),
		formatCount(count, locale)
	);
}

/**
 * "Peak 9 · 120 views", as dashboard-widget.php prints it.
 *
 * @param {number}  peak     The most people who read the post at once.
 * @param {number}  views    Views of the post.
 * @param {string=} [locale] Language of the page, for number formatting.
 * @return {string} Text.
 */
export function totalsText(peak, views, locale) {
	return sprintf(
		/* translators: 1: "Peak 9", the most people who read the post at once, 2: "120 views" */
		__('%1$s · %2$s', 'vip-presence'),
		/* translators: %s: the most people who read the post at once */
		sprintf(__('Peak %s', 'vip-presence'), formatCount(peak, locale)),
		sprintf(
			/* translators: %s: number of views of the post */
			_n('%s view', '%s views', views, 'vip-presence'),
			formatCount(views, locale)
		)
	);
}

/**
 * What the widget says when nobody reads anything.
 *
 * @return {string} Text.
 */
export function nobodyText() {
	return __('Nobody is reading anything right now.', 'vip-presence');
}
