/**
 * Internal dependencies
 */
import { formatCount } from '../shared/format-count';

/**
 * The widget's texts, already translated: on the front end WordPress prints them
 * (`window.vipPresenceWidgetText`, see vip_presence_get_widget_text() in includes/assets.php), so a
 * post page loads no wp-i18n; the block editor makes them with wp-i18n (src/block/index.js).
 *
 * @typedef {Object} WidgetStrings
 * @property {string}                     alone  "You're the only one here".
 * @property {(others: number) => string} others The sentence for that many other people, with `%s`
 *                                               (or `%1$s`) where the number goes.
 */

/**
 * Reads the texts WordPress printed: `{ alone, others: [ forms ], plural }`, where `plural` has one
 * character per count from 0 (the index, base 36, of the form `_n()` gave for that count) and
 * counts past its end take the form of the count that ends in the same two digits within its last
 * hundred (see vip_presence_get_widget_text() for why that is the same form).
 *
 * @param {Object}   printed        What WordPress printed.
 * @param {string}   printed.alone  Text for a reader alone on the post.
 * @param {string[]} printed.others The plural forms, as `_n()` returned them.
 * @param {string}   printed.plural Index of the form, per count.
 * @return {WidgetStrings|null} The texts; null when `printed` is not what WordPress prints.
 */
export function printedStrings(printed) {
	if (
		!printed ||
		typeof printed.alone !== 'string' ||
		!Array.isArray(printed.others) ||
		typeof printed.plural !== 'string' ||
		printed.plural.length < 200
	) {
		return null;
	}
	const { others, plural } = printed;
	return {
		alone: printed.alone,
		others(count) {
			const at =
				count < plural.length
					? count
					: plural.length - 100 + (count % 100);
			return others[parseInt(plural[at], 36)] ?? others[0];
		},
	};
}

/**
 * Returns what a widget says for a presence state, or '' to show nothing.
 *
 * Nothing shows until the subscription is live (connecting, offline, refused, unconfigured), and
 * while fewer than `hideBelow` other people view the post.
 *
 * @param {Object}        state        State passed to a `vipPresence.subscribe()` callback.
 * @param {string}        state.status 'connecting' | 'live' | 'offline' | 'error'.
 * @param {number}        state.others People viewing the post other than this visitor.
 * @param {boolean}       state.self   Whether this visitor is counted.
 * @param {number}        hideBelow    K: show nothing while `others` is below K (0 always shows).
 * @param {string}        locale       Language of the page, for number formatting (or undefined).
 * @param {WidgetStrings} strings      The texts, translated.
 * @return {string} Text for the widget.
 */
export function widgetText(state, hideBelow, locale, strings) {
	if (!state || state.status !== 'live' || !strings) {
		return '';
	}
	const others = state.others;
	if (!Number.isSafeInteger(others) || others < 0 || others < hideBelow) {
		return '';
	}
	if (others === 0) {
		// Without being counted, nobody at all is here: there is nothing to say.
		return state.self ? strings.alone : '';
	}
	return strings
		.others(others)
		.replace(/%(?:1\$)?s/, () => formatCount(others, locale));
}
