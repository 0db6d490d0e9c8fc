/**
 * WordPress dependencies
 */
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { formatCount } from '../shared/format-count';

/**
 * Returns what a widget says for a presence state, or '' to show nothing.
 *
 * Nothing shows until the subscription is live (connecting, offline, refused, unconfigured), and
 * while fewer than `hideBelow` other people view the post.
 *
 * @param {Object}  state        State passed to a `vipPresence.subscribe()` callback.
 * @param {string}  state.status 'connecting' | 'live' | 'offline' | 'error'.
 * @param {number}  state.others People viewing the post other than this visitor.
 * @param {boolean} state.self   Whether this visitor is counted.
 * @param {number}  [hideBelow]  K: show nothing while `others` is below K (0 always shows).
 * @param {string}  [locale]     Language of the page, for number formatting.
 * @return {string} Text for the widget.
 */
export function widgetText(state, hideBelow = 0, locale = undefined) {
	if (!state || state.status !== 'live') {
		return '';
	}
	const others = state.others;
	if (!Number.isSafeInteger(others) || others < 0 || others < hideBelow) {
		return '';
	}
	if (others === 0) {
		// Without being counted, nobody at all is here: there is nothing to say.
		return state.self ? __("You're the only one here", 'vip-presence') : '';
	}
	return sprintf(
		/* translators: %s: number of other people viewing this post right now. */
		_n(
			'%s other person is viewing',
			'%s other people are viewing',
			others,
			'vip-presence'
		),
		formatCount(others, locale)
	);
}
