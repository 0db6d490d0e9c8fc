<?php
/**
 * The live viewers widget: a server-rendered, empty placeholder that build/widget.js fills in.
 *
 *   <div class="vip-presence-widget" data-vip-presence-post-id="42" data-vip-presence-mode="view"
 *        data-vip-presence-hide-below="0" aria-live="polite" aria-atomic="true" style="min-height:1.5em;min-height:1lh;"></div>
 *
 * Mode "view" counts the visitor as a viewer of the post: only for the post of a single view. Widgets
 * of other posts (a shortcode naming another post, a block in a query loop, an archive) "watch": they
 * show the count without adding to it, and need no token.
 *
 * The placeholder reserves one line of its line height (no layout shift when the text arrives) and stays empty without
 * JavaScript, while connecting, when the server is down and while fewer than K others are viewing.
 * Every way of placing the widget (auto-insert, block, shortcode, template tag) renders it here.
 *
 * @package vip-presence
 * @since 0.1.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Returns the HTML attributes of the widget element.
 *
 * @since 0.1.0
 *
 * @param int  $post_id    Post whose viewers the widget shows.
 * @param int  $hide_below K: show nothing while fewer than K other people view the post.
 * @param bool $counted    Whether the visitor counts as viewing the post ("view"), or only watches.
 * @return array<string, string> Attribute values, not escaped yet.
 */
function vip_presence_get_widget_attributes( $post_id, $hide_below = 0, $counted = true ) {
	$attributes = array(
		'class'                        => 'vip-presence-widget',
		'data-vip-presence-post-id'    => (string) $post_id,
		'data-vip-presence-mode'       => $counted ? 'view' : 'watch',
		'data-vip-presence-hide-below' => (string) max( 0, (int) $hide_below ),
		'aria-live'                    => 'polite',
		'aria-atomic'                  => 'true',
		// One line of the widget's own line height (1lh), so the text arrives without moving anything;
		// 1.5em where the lh unit is unknown (Chrome < 109, Firefox < 120, Safari < 16.4).
		'style'                        => 'min-height:1.5em;min-height:1lh;',
	);

	/**
	 * Filters the attributes of the widget element (values are escaped after this filter).
	 *
	 * @since 0.1.0
	 *
	 * @param array<string, string> $attributes Attribute values.
	 * @param int                   $post_id    Post id.
	 */
	$filtered = apply_filters( 'vip_presence_widget_attributes', $attributes, $post_id );
	return is_array( $filtered ) ? $filtered : $attributes;
}

/**
 * Turns attributes into escaped HTML (`name="value"` pairs; true prints a bare name, false/null skips).
 *
 * @since 0.1.0
 *
 * @param array<string, mixed> $attributes Attribute values.
 * @return string HTML.
 */
function vip_presence_html_attributes( array $attributes ) {
	$html = array();
	foreach ( $attributes as $name => $value ) {
		$name = strtolower( (string) $name );
		if ( null === $value || false === $value || ! preg_match( '/^[a-z][a-z0-9_.:-]*$/', $name ) ) {
			continue;
		}
		$html[] = true === $value ? $name : $name . '="' . esc_attr( (string) $value ) . '"';
	}
	return implode( ' ', $html );
}

/**
 * Returns the markup of the widget for a post. Pure: no checks, no scripts enqueued.
 *
 * @since 0.1.0
 *
 * @param int  $post_id    Post id.
 * @param int  $hide_below K (see vip_presence_get_widget_attributes()).
 * @param bool $counted    Whether the visitor counts as viewing the post, or only watches.
 * @return string HTML, or '' for an invalid post id.
 */
function vip_presence_widget_markup( $post_id, $hide_below = 0, $counted = true ) {
	if ( ! vip_presence_is_post_id( $post_id ) ) {
		return '';
	}
	return '<div ' . vip_presence_html_attributes( vip_presence_get_widget_attributes( $post_id, $hide_below, $counted ) ) . '></div>';
}

/**
 * Tells whether a widget of this post counts the visitor as a viewer: only on the single view of it,
 * and never for a bot (see vip_presence_is_bot()).
 *
 * @since 0.1.0
 * @since 0.2.0 Never for a bot.
 *
 * @param int $post_id Post id.
 * @return bool
 */
function vip_presence_counts_viewer( $post_id ) {
	$counted = is_singular() && (int) get_queried_object_id() === $post_id;

	/**
	 * Filters whether the widget of a post counts the visitor as viewing it (true) or only watches.
	 * A bot (the vip_presence_is_bot filter) only watches, whatever this says.
	 *
	 * @since 0.1.0
	 *
	 * @param bool $counted Default: true on the single view of the post, false elsewhere.
	 * @param int  $post_id Post id.
	 */
	$counted = (bool) apply_filters( 'vip_presence_count_viewer', $counted, $post_id );
	return $counted && ! vip_presence_is_bot();
}

/**
 * Tells whether the current visitor may see the post (and so its live viewers).
 *
 * @since 0.1.0
 *
 * @param WP_Post $post Post.
 * @return bool
 */
function vip_presence_can_view_post( $post ) {
	if ( post_password_required( $post ) ) {
		return false;
	}
	return is_post_publicly_viewable( $post ) || current_user_can( 'read_post', $post->ID );
}

/**
 * Decides whether a widget for the post shows on this page, and enqueues its script if so.
 *
 * @since 0.1.0
 *
 * @param int|string|null $post_id Post id; null for the current post.
 * @return array{post_id: int, counted: bool}|null What to render, or null when nothing shows.
 */
function vip_presence_prepare_widget( $post_id = null ) {
	if ( null === $post_id ) {
		$post_id = get_the_ID();
	}
	if ( is_string( $post_id ) && preg_match( '/^[1-9][0-9]{0,15}$/', $post_id ) ) {
		$post_id = (int) $post_id;
	}
	if ( ! vip_presence_is_configured() || ! vip_presence_is_post_id( $post_id ) ) {
		return null;
	}
	$post = get_post( $post_id );
	if ( ! $post || ! vip_presence_can_view_post( $post ) ) {
		return null;
	}

	/**
	 * Filters whether the live viewers widget of a post shows.
	 *
	 * @since 0.1.0
	 *
	 * @param bool $show    Whether it shows. Default true.
	 * @param int  $post_id Post id.
	 */
	if ( ! apply_filters( 'vip_presence_show_widget', true, $post_id ) ) {
		return null;
	}
	$counted = vip_presence_counts_viewer( $post_id );
	if ( ! vip_presence_enqueue_widget_script( $post_id, $counted ) ) {
		return null;
	}
	return array(
		'post_id' => $post_id,
		'counted' => $counted,
	);
}

/**
 * Renders the widget of a post, enqueuing what it needs.
 *
 * @since 0.1.0
 *
 * @param int|string|null $post_id Post id; null for the current post.
 * @return string HTML, or '' when nothing shows (plugin unconfigured, post not viewable, ...).
 */
function vip_presence_render_widget( $post_id = null ) {
	$widget = vip_presence_prepare_widget( $post_id );
	if ( null === $widget ) {
		return '';
	}
	return vip_presence_widget_markup( $widget['post_id'], vip_presence_get_hide_below(), $widget['counted'] );
}
