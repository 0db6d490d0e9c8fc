<?php
/**
 * Bots: pages served to a bot show the live counts but do not count the reader (DESIGN.md, point 24).
 *
 * The presence server already refuses to count known crawlers by their User-Agent (a maintained list,
 * `isbot`). The filter `vip_presence_is_bot` is for sites with rules of their own: a crawler of their
 * own, a monitoring service, a header their CDN adds. When it answers true, every widget of the page
 * watches instead of viewing (`data-vip-presence-mode="watch"`, no token printed): it shows the count
 * and adds nothing to it.
 *
 * Behind a full-page cache, the page is rendered for whoever misses the cache first and then served
 * to everyone: a page rendered for a bot would not count the people it is served to later, and a page
 * rendered for a person would count a bot served from the cache (unless the server knows it). Make
 * the cache vary on the same rule (or bypass the cache for bots) before using the filter there.
 *
 * @package vip-presence
 * @since 0.2.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Returns the User-Agent header of the current request.
 *
 * @since 0.2.0
 *
 * @return string The header, '' when there is none.
 */
function vip_presence_get_user_agent() {
	if ( ! isset( $_SERVER['HTTP_USER_AGENT'] ) || ! is_string( $_SERVER['HTTP_USER_AGENT'] ) ) {
		return '';
	}
	// Compared by the site's rules only, never printed or stored.
	return wp_unslash( $_SERVER['HTTP_USER_AGENT'] ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- a raw header that the filter's rules match, never output.
}

/**
 * Tells whether the current request comes from a bot, by the site's own rules.
 *
 * @since 0.2.0
 *
 * @return bool Whether the page must not count the reader (its widgets only watch).
 */
function vip_presence_is_bot() {
	$user_agent = vip_presence_get_user_agent();

	/**
	 * Filters whether the current request comes from a bot that must not be counted as a reader. The
	 * widgets of its page still show the counts. The presence server already leaves known crawlers
	 * out by their User-Agent; this is for rules of the site's own. Behind a full-page cache, vary
	 * the cache on the same rule.
	 *
	 * @since 0.2.0
	 *
	 * @param bool   $is_bot     Default false.
	 * @param string $user_agent The request's User-Agent header ('' when none).
	 */
	return (bool) apply_filters( 'vip_presence_is_bot', false, $user_agent );
}
