<?php
/**
 * The post editor's "Readers over time": the post's readers over the last 24 hours as a chart, with
 * its peak marked and a summary for screen readers, in the block editor's document settings sidebar
 * (build/editor-chart.js, a PluginDocumentSettingPanel) and in a box beside the classic editor's
 * publish box (build/classic-chart.js, the same chart). Both ask WordPress for the post's series
 * (GET /wp-json/vip-presence/v1/posts/<id>/readers, rest-post-readers.php) through WordPress's own
 * `wp.apiFetch` (script `wp-api-fetch`: the REST root, the `wp_rest` nonce, and a fresh nonce when
 * an editor left open outlives it), and WordPress asks the presence server with its credential: none
 * reaches the browser.
 *
 * Shown only for the post types the plugin counts (vip_presence_get_readers_chart_post_types()) and
 * to users who can edit the post; unpublished posts say they have no readers yet. Times are in the
 * site's time zone (Settings > General), which this file passes to the scripts:
 *
 *   window.vipPresenceReadersChart = { timeZone: "Europe/Paris", offsetMinutes: 60, refreshSeconds: 60 }
 *
 * @package vip-presence
 * @since 0.2.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Returns the post types whose editor shows the chart.
 *
 * @since 0.2.0
 *
 * @return string[] Post type names; the post types chosen in the settings unless filtered.
 */
function vip_presence_get_readers_chart_post_types() {
	/**
	 * Filters the post types whose editor shows "Readers over time".
	 *
	 * @since 0.2.0
	 *
	 * @param string[] $post_types Post type names. Default: the post types chosen in the settings.
	 */
	$post_types = apply_filters( 'vip_presence_readers_chart_post_types', vip_presence_get_post_types() );
	return is_array( $post_types ) ? $post_types : array();
}

/**
 * Tells whether the editor of a post shows the chart to the current user.
 *
 * @since 0.2.0
 *
 * @param mixed $post Post being edited.
 * @return bool Whether it does: the plugin is configured, the post is of a counted type and the user
 *              can edit it.
 */
function vip_presence_shows_readers_chart( $post ) {
	return $post instanceof WP_Post
		&& vip_presence_is_configured()
		&& in_array( $post->post_type, vip_presence_get_readers_chart_post_types(), true )
		&& current_user_can( 'edit_post', $post->ID );
}

/**
 * Returns the site's time zone as the chart's scripts take it.
 *
 * @since 0.2.0
 *
 * @return array{timeZone: string, offsetMinutes: int} The IANA name when the site names a city
 *         ('' for a fixed offset), and the offset from UTC now, in minutes.
 */
function vip_presence_readers_chart_zone() {
	$name = get_option( 'timezone_string' );
	return array(
		'timeZone'      => is_string( $name ) ? $name : '',
		'offsetMinutes' => (int) round( wp_timezone()->getOffset( new DateTime( 'now' ) ) / 60 ),
	);
}

/**
 * Returns how often the chart asks for the post's readers again while the editor is shown, in seconds.
 *
 * @since 0.2.0
 *
 * @return int Seconds, 5 or more; 60 unless filtered.
 */
function vip_presence_get_readers_chart_refresh_interval() {
	/**
	 * Filters how often "Readers over time" asks WordPress for the post's readers again while the
	 * editor is shown, in seconds. Each time is a request to WordPress, which asks the presence
	 * server.
	 *
	 * @since 0.2.0
	 *
	 * @param int $seconds Default 60.
	 */
	$seconds = apply_filters( 'vip_presence_readers_chart_refresh_interval', 60 );
	return is_numeric( $seconds ) ? max( 5, (int) $seconds ) : 60;
}

/**
 * Returns what the chart's scripts read from window.vipPresenceReadersChart. The route and the
 * `wp_rest` nonce are not in it: the scripts ask through wp.apiFetch, which WordPress configures.
 *
 * @since 0.2.0
 *
 * @return array{timeZone: string, offsetMinutes: int, refreshSeconds: int}
 */
function vip_presence_readers_chart_settings() {
	return array(
		'refreshSeconds' => vip_presence_get_readers_chart_refresh_interval(),
	) + vip_presence_readers_chart_zone();
}

/**
 * Enqueues a chart script with its settings and style.
 *
 * @since 0.2.0
 *
 * @param string $handle 'vip-presence-editor-chart' or 'vip-presence-classic-chart'.
 * @return bool Whether it is enqueued (false when the script is not built).
 */
function vip_presence_enqueue_readers_chart( $handle ) {
	if ( ! wp_script_is( $handle, 'registered' ) ) {
		return false;
	}
	wp_enqueue_script( $handle );
	wp_add_inline_script(
		$handle,
		'window.vipPresenceReadersChart = ' . wp_json_encode( vip_presence_readers_chart_settings(), JSON_HEX_TAG | JSON_HEX_AMP | JSON_UNESCAPED_SLASHES ) . ';',
		'before'
	);
	wp_register_style( 'vip-presence-readers-chart', false, array(), VIP_PRESENCE_VERSION );
	wp_enqueue_style( 'vip-presence-readers-chart' );
	wp_add_inline_style(
		'vip-presence-readers-chart',
		'.vip-presence-readers-chart-svg{display:block;width:100%;height:auto;color:#2271b1;overflow:visible}.vip-presence-readers-chart-svg text{font-size:11px;fill:#50575e}.vip-presence-readers-chart-svg .vip-presence-readers-chart-peak-label{fill:#1d2327;font-weight:600}.vip-presence-readers-chart-tick line{color:#8c8f94}'
	);
	return true;
}

/**
 * Enqueues the block editor's panel when the post being edited shows the chart.
 *
 * @since 0.2.0
 */
function vip_presence_enqueue_editor_chart() {
	$screen = get_current_screen();
	// The post editor only: the site and widgets editors fire this hook too, with no post.
	if ( ! $screen || 'post' !== $screen->base || ! $screen->is_block_editor() ) {
		return;
	}
	if ( vip_presence_shows_readers_chart( get_post() ) ) {
		vip_presence_enqueue_readers_chart( 'vip-presence-editor-chart' );
	}
}
add_action( 'enqueue_block_editor_assets', 'vip_presence_enqueue_editor_chart' );

/**
 * Adds the classic editor's box beside the publish box, and its script, when the post shows the chart.
 *
 * @since 0.2.0
 *
 * @param string $post_type Post type.
 * @param mixed  $post      Post being edited (a WP_Comment on the comment screen).
 */
function vip_presence_add_readers_chart_meta_box( $post_type, $post ) {
	$screen = get_current_screen();
	// The block editor has its panel (and registers meta boxes too, for its own meta box area).
	if ( ! $screen || 'post' !== $screen->base || $screen->is_block_editor() || ! vip_presence_shows_readers_chart( $post ) ) {
		return;
	}
	add_meta_box(
		'vip-presence-readers',
		__( 'Readers over time', 'vip-presence' ),
		'vip_presence_render_readers_chart_meta_box',
		$post_type,
		'side',
		'default',
		array( '__back_compat_meta_box' => true )
	);
	vip_presence_enqueue_readers_chart( 'vip-presence-classic-chart' );
}
add_action( 'add_meta_boxes', 'vip_presence_add_readers_chart_meta_box', 10, 2 );

/**
 * Prints the classic editor's box: the container build/classic-chart.js draws the chart into, or,
 * for a post that is not published, that it has no readers yet.
 *
 * @since 0.2.0
 *
 * @param WP_Post $post Post being edited.
 */
function vip_presence_render_readers_chart_meta_box( $post ) {
	if ( 'publish' !== $post->post_status ) {
		echo '<p class="vip-presence-readers-chart-empty">' . esc_html__( 'No readers yet: readers are counted once the post is published.', 'vip-presence' ) . '</p>';
		return;
	}
	printf(
		'<div %s><p>%s</p></div>',
		vip_presence_html_attributes( // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- attributes are escaped in vip_presence_html_attributes().
			array(
				'class'                     => 'vip-presence-readers-chart',
				'data-vip-presence-post-id' => (string) $post->ID,
			)
		),
		esc_html__( 'Loading readers over time…', 'vip-presence' )
	);
}
