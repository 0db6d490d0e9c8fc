<?php
/**
 * The "Live viewers" block (vip-presence/live-viewers), registered from build/block/block.json and
 * rendered on the server by the same code as every other placement of the widget.
 *
 * @package vip-presence
 * @since 0.1.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Renders the block: the widget of the post in context (a query loop's post, or the current post).
 *
 * @since 0.1.0
 *
 * @param array<string, mixed> $attributes Block attributes (none are used).
 * @param string               $content    Inner content (none).
 * @param WP_Block|null        $block      Block instance.
 * @return string HTML, or '' when nothing shows.
 */
function vip_presence_render_block( $attributes = array(), $content = '', $block = null ) {
	$post_id = null;
	if ( is_object( $block ) && isset( $block->context['postId'] ) ) {
		$post_id = (int) $block->context['postId'];
	}
	$widget = vip_presence_prepare_widget( $post_id );
	if ( null === $widget ) {
		return '';
	}
	// get_block_wrapper_attributes() merges the class and style of block supports and escapes.
	return sprintf(
		'<div %s></div>',
		get_block_wrapper_attributes(
			vip_presence_get_widget_attributes( $widget['post_id'], vip_presence_get_hide_below(), $widget['counted'] )
		)
	);
}

/**
 * Registers the block when it is built.
 *
 * @since 0.1.0
 */
function vip_presence_register_block() {
	$directory = VIP_PRESENCE_PLUGIN_DIR . '/build/block';
	if ( ! is_readable( $directory . '/block.json' ) ) {
		return;
	}
	register_block_type(
		$directory,
		array( 'render_callback' => 'vip_presence_render_block' )
	);
}
add_action( 'init', 'vip_presence_register_block' );
