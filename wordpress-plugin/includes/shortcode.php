<?php
/**
 * The [vip_presence] shortcode and the template tags vip_presence_widget() / vip_presence_get_widget().
 *
 * @package vip-presence
 * @since 0.1.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Renders [vip_presence] or [vip_presence post_id="123"].
 *
 * @since 0.1.0
 *
 * @param array<string, string>|string $atts Shortcode attributes ('' when there are none).
 * @return string HTML, or '' when nothing shows.
 */
function vip_presence_shortcode( $atts ) {
	$atts    = shortcode_atts( array( 'post_id' => '' ), $atts, 'vip_presence' );
	$post_id = trim( (string) $atts['post_id'] );
	return vip_presence_render_widget( '' === $post_id ? null : $post_id );
}

/**
 * Registers the shortcode.
 *
 * @since 0.1.0
 */
function vip_presence_register_shortcode() {
	add_shortcode( 'vip_presence', 'vip_presence_shortcode' );
}
add_action( 'init', 'vip_presence_register_shortcode' );

/**
 * Template tag: returns the live viewers widget of a post.
 *
 * @since 0.1.0
 *
 * @param int|null $post_id Post id; null for the current post.
 * @return string HTML, or '' when nothing shows.
 */
function vip_presence_get_widget( $post_id = null ) {
	return vip_presence_render_widget( $post_id );
}

/**
 * Template tag: prints the live viewers widget of a post.
 *
 * @since 0.1.0
 *
 * @param int|null $post_id Post id; null for the current post.
 */
function vip_presence_widget( $post_id = null ) {
	echo vip_presence_get_widget( $post_id ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- every attribute is escaped where the markup is built (vip_presence_html_attributes()).
}
