<?php
/**
 * The live "Reading now" column of the posts lists: readers now, filled live by the page, which watches
 * every listed post without being counted (one socket, `{ count: false }`, so no tokens are needed),
 * and under it the post's peak (the most readers at once) and views, from the server's read API
 * (asked from this server for the whole list at once, cached for a few seconds):
 *
 *   <span class="vip-presence-column" data-vip-presence-post-id="42"></span>
 *   <span class="vip-presence-column-totals">
 *     <span class="vip-presence-column-peak" data-vip-presence-peak="9" title="Most readers at once, first on …">Peak <span class="vip-presence-column-peak-value">9</span></span>
 *     <span class="vip-presence-column-views">120 views</span>
 *   </span>
 *
 * The page raises the peak it shows when it sees more readers now. Without an answer from the server
 * the totals are left out.
 *
 * @package vip-presence
 * @since 0.1.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Returns the post types whose lists get the column.
 *
 * @since 0.1.0
 *
 * @return string[] Post type names; the chosen post types unless filtered.
 */
function vip_presence_get_column_post_types() {
	/**
	 * Filters the post types whose admin lists get the "Reading now" column.
	 *
	 * @since 0.1.0
	 *
	 * @param string[] $post_types Post type names. Default: the post types chosen in the settings.
	 */
	$post_types = apply_filters( 'vip_presence_column_post_types', vip_presence_get_post_types() );
	return is_array( $post_types ) ? $post_types : array();
}

/**
 * Adds the column after the title.
 *
 * @since 0.1.0
 *
 * @param array<string, string> $columns Column labels keyed by name.
 * @return array<string, string> Columns.
 */
function vip_presence_add_posts_column( $columns ) {
	$label  = __( 'Reading now', 'vip-presence' );
	$result = array();
	foreach ( $columns as $name => $title ) {
		$result[ $name ] = $title;
		if ( 'title' === $name ) {
			$result['vip_presence'] = $label;
		}
	}
	if ( ! isset( $result['vip_presence'] ) ) {
		$result['vip_presence'] = $label;
	}
	return $result;
}

/**
 * Returns the markup of a cell: readers now (filled in live by build/admin-column.js; empty without
 * JavaScript), then the peak and the views when they are known.
 *
 * @since 0.1.0
 * @since 0.2.0 The peak and the views.
 *
 * @param int                                                      $post_id Post id.
 * @param array{peak: int, peak_at: int|null, views: int}|null $totals  The post's peak, when it was
 *                                                                          reached and its views; null
 *                                                                          when not known.
 * @return string HTML.
 */
function vip_presence_column_markup( $post_id, $totals = null ) {
	if ( ! vip_presence_is_post_id( $post_id ) ) {
		return '';
	}
	$html = '<span ' . vip_presence_html_attributes(
		array(
			'class'                     => 'vip-presence-column',
			'data-vip-presence-post-id' => (string) $post_id,
		)
	) . '></span>';
	if ( ! is_array( $totals ) ) {
		return $html;
	}
	$title = '';
	if ( null !== $totals['peak_at'] ) {
		$title = sprintf(
			/* translators: %s: date and time */
			__( 'Most readers at once, first on %s', 'vip-presence' ),
			wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), $totals['peak_at'] )
		);
	}
	$peak = sprintf(
		/* translators: %s: the most people who read the post at once */
		esc_html__( 'Peak %s', 'vip-presence' ),
		'<span class="vip-presence-column-peak-value">' . esc_html( number_format_i18n( $totals['peak'] ) ) . '</span>'
	);
	$views = sprintf(
		/* translators: %s: number of views of the post */
		_n( '%s view', '%s views', $totals['views'], 'vip-presence' ),
		number_format_i18n( $totals['views'] )
	);
	return $html
		. '<span class="vip-presence-column-totals">'
		. '<span ' . vip_presence_html_attributes(
			array(
				'class'                  => 'vip-presence-column-peak',
				'data-vip-presence-peak' => (string) $totals['peak'],
				'title'                  => '' === $title ? null : $title,
			)
		) . '>' . $peak . '</span>'
		. '<span class="vip-presence-column-views">' . esc_html( $views ) . '</span>'
		. '</span>';
}

/**
 * Returns the peak and views of a post of the list, asking the server once for every post of the
 * list (the main query of edit.php); a row rendered alone (Quick Edit) asks for its post.
 *
 * @since 0.2.0
 *
 * @param int $post_id Post id.
 * @return array{count: int, peak: int, peak_at: int|null, views: int}|null Null when the server does not
 *                                                                         answer.
 */
function vip_presence_get_column_totals( $post_id ) {
	global $wp_query;
	$post_ids = array();
	if ( $wp_query instanceof WP_Query && is_array( $wp_query->posts ) && count( $wp_query->posts ) <= 100 ) {
		$post_ids = array_map( 'intval', wp_list_pluck( $wp_query->posts, 'ID' ) );
	}
	if ( ! in_array( $post_id, $post_ids, true ) ) {
		$post_ids = array( $post_id );
	}
	// The answer for the list is cached (a transient), so each row of the list reads the same one.
	$stats = vip_presence_get_post_stats( $post_ids );
	return ! is_wp_error( $stats ) && isset( $stats[ $post_id ] ) ? $stats[ $post_id ] : null;
}

/**
 * Prints a cell of the column.
 *
 * @since 0.1.0
 *
 * @param string $column  Column name.
 * @param int    $post_id Post id.
 */
function vip_presence_render_posts_column( $column, $post_id ) {
	if ( 'vip_presence' === $column ) {
		$post_id = (int) $post_id;
		echo vip_presence_column_markup( $post_id, vip_presence_get_column_totals( $post_id ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in vip_presence_column_markup().
	}
}

/**
 * Enqueues the column script with the client settings (no tokens: the page only watches).
 *
 * @since 0.1.0
 */
function vip_presence_enqueue_admin_column() {
	if ( ! wp_script_is( 'vip-presence-admin-column', 'registered' ) ) {
		return;
	}
	wp_enqueue_script( 'vip-presence-admin-column' );
	vip_presence_add_watch_settings(); // Before the SDK, which this script depends on.
	wp_register_style( 'vip-presence-admin-column', false, array(), VIP_PRESENCE_VERSION );
	wp_enqueue_style( 'vip-presence-admin-column' );
	wp_add_inline_style(
		'vip-presence-admin-column',
		'.fixed .column-vip_presence{width:8em}.vip-presence-column-totals>span{display:block;color:#646970;font-size:12px}'
	);
}

/**
 * Sets the column up on the posts list of a chosen post type (load-edit.php).
 *
 * @since 0.1.0
 */
function vip_presence_setup_posts_column() {
	$screen = get_current_screen();
	if ( ! vip_presence_is_configured() || ! $screen || ! in_array( $screen->post_type, vip_presence_get_column_post_types(), true ) ) {
		return;
	}
	add_filter( "manage_{$screen->post_type}_posts_columns", 'vip_presence_add_posts_column' );
	add_action( "manage_{$screen->post_type}_posts_custom_column", 'vip_presence_render_posts_column', 10, 2 );
	add_action( 'admin_enqueue_scripts', 'vip_presence_enqueue_admin_column' );
}
add_action( 'load-edit.php', 'vip_presence_setup_posts_column' );
