<?php
/**
 * The "Most read right now" dashboard widget: this site's posts with the most readers now, with their
 * peak and views. WordPress renders the list from the server's read API (asked from this server,
 * cached for a few seconds); build/dashboard-widget.js then keeps it live without a reload: it watches
 * the listed posts through the SDK (without being counted, so no tokens), re-sorts the list as their
 * counts change, and asks this site's route GET /wp-json/vip-presence/v1/top (rest-top-posts.php)
 * for the list again every few seconds while the page is shown (through WordPress's `wp.apiFetch`,
 * which sends the `wp_rest` nonce and renews it once it has expired), and draws each post's readers over the
 * last hour (the `series` WordPress passes on) as a small trend line. The read API's credential never
 * leaves the server.
 *
 *   <div class="vip-presence-top" data-vip-presence-limit="10" data-vip-presence-refresh="15">
 *     <ol class="vip-presence-top-posts">
 *       <li data-vip-presence-post-id="42" data-vip-presence-count="3" data-vip-presence-peak="9"
 *           data-vip-presence-views="120" data-vip-presence-series='{"from":…,"max":[…],…}'><a href="…">Title</a>
 *         <span class="vip-presence-top-posts-count">3 people reading</span>
 *         <span class="vip-presence-top-posts-totals">Peak 9 · 120 views</span></li>
 *     </ol>
 *   </div>
 *
 * @package vip-presence
 * @since 0.1.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Returns how many posts the widget lists.
 *
 * @since 0.2.0
 *
 * @return int
 */
function vip_presence_top_posts_limit() {
	return 10;
}

/**
 * Returns how many buckets (minutes, by default) of readers over time each listed post carries, for
 * its trend line.
 *
 * @since 0.2.0
 *
 * @return int
 */
function vip_presence_top_posts_series_minutes() {
	return 60;
}

/**
 * Returns how often the widget asks for the list again, in seconds.
 *
 * @since 0.2.0
 *
 * @return int Seconds, 5 or more; 15 (the read API's cache period) unless filtered.
 */
function vip_presence_get_top_posts_refresh_interval() {
	/**
	 * Filters how often the "Most read right now" widget asks WordPress for the list again while the
	 * dashboard is shown, in seconds (counts of the listed posts change live in between). The answer
	 * is cached for vip_presence_api_cache_ttl seconds, so asking more often brings nothing newer.
	 *
	 * @since 0.2.0
	 *
	 * @param int $seconds Default 15.
	 */
	$seconds = apply_filters( 'vip_presence_top_posts_refresh_interval', vip_presence_get_api_cache_ttl() );
	return is_numeric( $seconds ) ? max( 5, (int) $seconds ) : 15;
}

/**
 * Turns the server's top list into linkable items, leaving out posts the user may not read.
 *
 * @since 0.1.0
 * @since 0.2.0 Items carry the post id, its peak (and when) and views (null when the server sent none).
 * @since 0.2.0 And its readers over time, `series` (null when the server sent none).
 *
 * @param array<int, array{post_id: int, count: int, peak?: int, peak_at?: int|null, views?: int}> $top Entries from vip_presence_get_top_posts().
 * @return array<int, array{post_id: int, title: string, url: string, count: int, peak: int|null, peak_at: int|null, views: int|null}> Items.
 */
function vip_presence_get_top_posts_items( array $top ) {
	$items = array();
	foreach ( $top as $entry ) {
		$post = get_post( $entry['post_id'] );
		if ( ! $post || ! current_user_can( 'read_post', $post->ID ) ) {
			continue;
		}
		$title   = get_the_title( $post );
		$items[] = array(
			'post_id' => $post->ID,
			'title'   => '' === $title ? __( '(no title)', 'vip-presence' ) : $title,
			'url'     => (string) get_permalink( $post ),
			'count'   => $entry['count'],
			'peak'    => isset( $entry['peak'] ) ? $entry['peak'] : null,
			'peak_at' => isset( $entry['peak_at'] ) ? $entry['peak_at'] : null,
			'views'   => isset( $entry['views'] ) ? $entry['views'] : null,
			'series'  => isset( $entry['series'] ) ? $entry['series'] : null,
		);
	}
	return $items;
}

/**
 * Returns "Peak 9 · 120 views" for a post.
 *
 * @since 0.2.0
 *
 * @param int $peak  The most readers at once.
 * @param int $views Views.
 * @return string Text, not escaped.
 */
function vip_presence_totals_text( $peak, $views ) {
	return sprintf(
		/* translators: 1: "Peak 9", the most people who read the post at once, 2: "120 views" */
		__( '%1$s · %2$s', 'vip-presence' ),
		/* translators: %s: the most people who read the post at once */
		sprintf( __( 'Peak %s', 'vip-presence' ), number_format_i18n( $peak ) ),
		/* translators: %s: number of views of the post */
		sprintf( _n( '%s view', '%s views', $views, 'vip-presence' ), number_format_i18n( $views ) )
	);
}

/**
 * Returns the list markup of the widget.
 *
 * @since 0.1.0
 * @since 0.2.0 Each item carries its post id and figures, and shows the peak and views when known.
 *
 * @param array<int, array{post_id?: int, title: string, url: string, count: int, peak?: int|null, views?: int|null}> $items Items, most read first.
 * @return string HTML.
 */
function vip_presence_top_posts_markup( array $items ) {
	if ( array() === $items ) {
		return '<p class="vip-presence-top-posts-empty">' . esc_html__( 'Nobody is reading anything right now.', 'vip-presence' ) . '</p>';
	}
	$html = '<ol class="vip-presence-top-posts">';
	foreach ( $items as $item ) {
		$known  = isset( $item['peak'], $item['views'] );
		$totals = $known
			? ' <span class="vip-presence-top-posts-totals">' . esc_html( vip_presence_totals_text( $item['peak'], $item['views'] ) ) . '</span>'
			: '';
		$html  .= sprintf(
			'<li %1$s><a href="%2$s">%3$s</a> <span class="vip-presence-top-posts-count">%4$s</span>%5$s</li>',
			vip_presence_html_attributes(
				array(
					'data-vip-presence-post-id' => isset( $item['post_id'] ) ? (string) $item['post_id'] : null,
					'data-vip-presence-count'   => (string) $item['count'],
					'data-vip-presence-peak'    => $known ? (string) $item['peak'] : null,
					'data-vip-presence-views'   => $known ? (string) $item['views'] : null,
					'data-vip-presence-series'  => empty( $item['series'] ) ? null : (string) wp_json_encode( vip_presence_rest_series( $item['series'] ) ),
				)
			),
			esc_url( $item['url'] ),
			esc_html( $item['title'] ),
			esc_html(
				sprintf(
					/* translators: %s: number of people reading the post right now */
					_n( '%s person reading', '%s people reading', $item['count'], 'vip-presence' ),
					number_format_i18n( $item['count'] )
				)
			),
			$totals
		);
	}
	return $html . '</ol>';
}

/**
 * Prints the widget.
 *
 * @since 0.1.0
 * @since 0.2.0 In a container that build/dashboard-widget.js keeps live.
 * @since 0.2.0 Without the route's URL and a `wp_rest` nonce: the script asks through wp.apiFetch.
 */
function vip_presence_render_dashboard_widget() {
	if ( ! vip_presence_is_configured() ) {
		echo '<p>' . esc_html__( 'VIP Presence is not connected to a presence server yet, so there is nothing to show.', 'vip-presence' );
		if ( current_user_can( 'manage_options' ) ) {
			printf(
				' <a href="%s">%s</a>',
				esc_url( admin_url( 'options-general.php?page=vip-presence' ) ),
				esc_html__( 'Connect it in the settings.', 'vip-presence' )
			);
		}
		echo '</p>';
		return;
	}
	$top = vip_presence_get_top_posts( vip_presence_top_posts_limit(), vip_presence_top_posts_series_minutes() );
	printf(
		'<div %s>',
		vip_presence_html_attributes( // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- attributes are escaped in vip_presence_html_attributes().
			array(
				'class'                     => 'vip-presence-top',
				'data-vip-presence-limit'   => (string) vip_presence_top_posts_limit(),
				'data-vip-presence-refresh' => (string) vip_presence_get_top_posts_refresh_interval(),
				'data-vip-presence-status'  => is_wp_error( $top ) ? 'error' : 'ok',
			)
		)
	);
	if ( is_wp_error( $top ) ) {
		echo '<p>' . esc_html__( 'The presence server is not answering right now. This list comes back by itself when it does.', 'vip-presence' ) . '</p>';
		if ( current_user_can( 'manage_options' ) ) {
			echo '<p class="description">' . esc_html( $top->get_error_message() ) . '</p>';
		}
	} else {
		echo vip_presence_top_posts_markup( vip_presence_get_top_posts_items( $top ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in vip_presence_top_posts_markup().
	}
	echo '</div>';
}

/**
 * Enqueues the script that keeps the widget live, with the client settings (no tokens: it only watches).
 *
 * @since 0.2.0
 */
function vip_presence_enqueue_dashboard_widget() {
	if ( ! wp_script_is( 'vip-presence-dashboard-widget', 'registered' ) ) {
		return;
	}
	wp_enqueue_script( 'vip-presence-dashboard-widget' );
	vip_presence_add_watch_settings(); // Before the SDK, which this script depends on.
	wp_register_style( 'vip-presence-dashboard-widget', false, array(), VIP_PRESENCE_VERSION );
	wp_enqueue_style( 'vip-presence-dashboard-widget' );
	wp_add_inline_style( 'vip-presence-dashboard-widget', '.vip-presence-top-posts-totals{display:block;color:#646970;font-size:12px}.vip-presence-sparkline{display:block;width:100%;max-width:240px;height:24px;color:#2271b1}' );
}

/**
 * Adds the widget to the dashboard of users who can edit posts.
 *
 * @since 0.1.0
 */
function vip_presence_add_dashboard_widget() {
	if ( ! current_user_can( 'edit_posts' ) ) {
		return;
	}
	wp_add_dashboard_widget(
		'vip_presence_top_posts',
		__( 'Most read right now', 'vip-presence' ),
		'vip_presence_render_dashboard_widget'
	);
	if ( vip_presence_is_configured() ) {
		vip_presence_enqueue_dashboard_widget();
	}
}
add_action( 'wp_dashboard_setup', 'vip_presence_add_dashboard_widget' );
