<?php
/**
 * Automatic insertion of the widget before or after the content of single views of chosen post types.
 *
 * @package vip-presence
 * @since 0.1.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Tells whether the content being filtered is the main post of a single view that gets the widget.
 *
 * @since 0.1.0
 *
 * @return bool
 */
function vip_presence_should_auto_insert() {
	$post_types = vip_presence_get_post_types();
	if ( 'off' === vip_presence_get_auto_insert() || array() === $post_types ) {
		return false;
	}
	if ( is_admin() || is_feed() || ! is_singular( $post_types ) || ! in_the_loop() || ! is_main_query() ) {
		return false;
	}
	$post = get_post();
	if ( ! $post || (int) $post->ID !== (int) get_queried_object_id() ) {
		return false;
	}
	// The author placed the widget by hand: do not show it twice.
	return ! has_block( 'vip-presence/live-viewers', $post ) && ! has_shortcode( $post->post_content, 'vip_presence' );
}

/**
 * Adds the widget to the content (the_content filter, after blocks, autop and shortcodes ran).
 *
 * @since 0.1.0
 *
 * @param string $content Post content.
 * @return string Content with the widget before or after it.
 */
function vip_presence_auto_insert( $content ) {
	if ( ! vip_presence_should_auto_insert() ) {
		return $content;
	}
	$widget = vip_presence_render_widget( (int) get_the_ID() );
	if ( '' === $widget ) {
		return $content;
	}
	return 'before' === vip_presence_get_auto_insert() ? $widget . $content : $content . $widget;
}
add_filter( 'the_content', 'vip_presence_auto_insert', 20 );
