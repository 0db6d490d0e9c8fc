<?php
/**
 * Privacy: the suggested text for the site's privacy policy (Settings > Privacy), and the filter a
 * consent tool uses to hold counting back until the reader agrees.
 *
 * What the plugin keeps about a reader: a random visitor id in the browser's local storage (no cookie,
 * tied to no account), which the browser sends to the presence server while it shows a widget. The
 * server keeps that id per post while the reader views it and for the view window after (30 minutes
 * by default: a reader back within it is no new view), and counts per post. It uses the reader's IP
 * address only to limit connections and readers per address; it keeps a one-way digest of it (never
 * the address) only while the reader is connected.
 *
 * @package vip-presence
 * @since 0.1.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Returns the suggested privacy policy text (HTML).
 *
 * @since 0.1.0
 *
 * @return string HTML, escaped.
 */
function vip_presence_get_privacy_policy_content() {
	$paragraphs = array(
		__( 'When you read a post, this site may show how many people are viewing it right now. To count you once however many tabs you open, your browser keeps a random visitor id in its local storage (not a cookie). The id is not tied to your account or to anything else the site knows about you.', 'vip-presence' ),
		__( 'While you view a post, your browser sends that id and the post to our presence server. The server keeps the id with the post while you view it and for up to 30 minutes after, so that coming back is not counted as a new view, and it keeps the number of views and viewers of each post, and the most viewers it had at once. It shares only these numbers, never visitor ids.', 'vip-presence' ),
		__( 'The presence server uses your IP address to limit the number of connections, and of readers of one post, from one address. It does not store the address: only a one-way digest of it, while you are connected.', 'vip-presence' ),
	);
	$html = '';
	foreach ( $paragraphs as $paragraph ) {
		$html .= '<p>' . esc_html( $paragraph ) . '</p>';
	}
	return '<strong class="privacy-policy-tutorial">' . esc_html__( 'Suggested text:', 'vip-presence' ) . ' </strong>' . $html;
}

/**
 * Adds the suggested text to the privacy policy guide (admin_init, as WordPress asks).
 *
 * @since 0.1.0
 */
function vip_presence_add_privacy_policy_content() {
	if ( ! function_exists( 'wp_add_privacy_policy_content' ) ) {
		return;
	}
	wp_add_privacy_policy_content( __( 'VIP Presence', 'vip-presence' ), vip_presence_get_privacy_policy_content() );
}
add_action( 'admin_init', 'vip_presence_add_privacy_policy_content' );

/**
 * Tells whether this page may count the reader: give the browser a visitor id and connect it to the
 * presence server. When it may not, the page loads no presence script at all (widgets show nothing):
 * watching without being counted would still store the visitor id and connect.
 *
 * @since 0.1.0
 *
 * @return bool
 */
function vip_presence_can_count() {
	/**
	 * Filters whether the page may count the reader (store a visitor id in the browser and connect it
	 * to the presence server). A consent tool returns false until the reader agrees; the widgets of
	 * the page then show nothing and no presence script loads.
	 *
	 * @since 0.1.0
	 *
	 * @param bool $can_count Default true.
	 */
	return (bool) apply_filters( 'vip_presence_can_count', true );
}
