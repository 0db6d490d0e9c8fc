<?php
/**
 * How a post page loads the SDK and the widget script: inserted by the page, in order, rather than
 * printed as `<script src>`.
 *
 * Printed as `<script src>`, both run inside a task of the page's own work: on WordPress 6.1 the
 * parser's (footer scripts block it), on 6.3+ the one in which the browser runs every deferred
 * script of the page (the theme's, the Interactivity API's). Lighthouse blames such a task on the
 * first script it ran, and a phone's CPU makes it long (50 ms and more), whatever the plugin's own
 * share (packages/bench/page-weight.md). A script the page inserts with `async = false` still runs
 * in order, after the ones inserted before it, but in a task of its own, and blocks no parsing.
 *
 * WordPress's dependencies keep their promise: when any other script on the page depends on the
 * SDK (a theme's that calls `window.vipPresence`) or on the widget script, both print as usual, so
 * that script runs after them.
 *
 * @package vip-presence
 * @since 0.2.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Returns the handles of the scripts of this page that depend on `$handle` (queued, about to print,
 * or printed).
 *
 * @since 0.2.0
 *
 * @param string $handle Script handle.
 * @return string[] Handles.
 */
function vip_presence_script_dependents( $handle ) {
	$scripts    = wp_scripts();
	$dependents = array();
	foreach ( array_unique( array_merge( $scripts->queue, $scripts->to_do, $scripts->done ) ) as $other ) {
		$registered = isset( $scripts->registered[ $other ] ) ? $scripts->registered[ $other ] : null;
		if ( $registered && in_array( $handle, (array) $registered->deps, true ) ) {
			$dependents[] = $other;
		}
	}
	return $dependents;
}

/**
 * Whether this page inserts the SDK and the widget script rather than printing them: on the front
 * end, unless another script depends on either.
 *
 * @since 0.2.0
 *
 * @return bool
 */
function vip_presence_inserts_scripts() {
	$inserts = ! is_admin()
		&& array() === array_diff( vip_presence_script_dependents( 'vip-presence-client' ), array( 'vip-presence-widget' ) )
		&& array() === vip_presence_script_dependents( 'vip-presence-widget' );
	/**
	 * Filters whether the post page inserts the SDK and the widget script (in order, each run in a
	 * task of its own) rather than printing them as `<script src>`.
	 *
	 * @since 0.2.0
	 *
	 * @param bool $inserts Whether they are inserted: on the front end, unless another script
	 *                      depends on either.
	 */
	return (bool) apply_filters( 'vip_presence_insert_scripts', $inserts );
}

/**
 * Turns the `<script src>` of the SDK or of the widget script into a small inline script that
 * inserts it (`async = false`: in order), leaving the inline scripts printed before it in place.
 *
 * @since 0.2.0
 *
 * @param string $tag    The HTML WordPress prints for the script (with its inline scripts).
 * @param string $handle Script handle.
 * @param string $src    Script URL.
 * @return string The HTML to print.
 */
function vip_presence_insert_script_tag( $tag, $handle, $src ) {
	if ( ! in_array( $handle, array( 'vip-presence-client', 'vip-presence-widget' ), true ) || ! vip_presence_inserts_scripts() ) {
		return $tag;
	}
	$element = '/<script\b[^>]*\bid=(["\'])' . preg_quote( $handle, '/' ) . '-js\1[^>]*>\s*<\/script>\n?/';
	$insert  = sprintf(
		'<script id="%1$s-js-insert">(function(d,s){s=d.createElement("script");s.src=%2$s;s.id=%3$s;s.async=false;d.head.appendChild(s)})(document);</script>' . "\n",
		esc_attr( $handle ),
		wp_json_encode( $src, JSON_HEX_TAG | JSON_HEX_AMP | JSON_UNESCAPED_SLASHES ),
		wp_json_encode( $handle . '-js' )
	);
	$replaced = preg_replace( $element, $insert, $tag, 1, $count );
	return 1 === $count && is_string( $replaced ) ? $replaced : $tag;
}
add_filter( 'script_loader_tag', 'vip_presence_insert_script_tag', 10, 3 );
