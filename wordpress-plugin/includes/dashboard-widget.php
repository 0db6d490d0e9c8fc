<?php
/**
 * The "Most read right now" dashboard widget: top posts by live viewers, from the server's
 * authenticated API (asked from this server, cached for a few seconds).
 *
 * @package vip-presence
 * @since 0.1.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Turns the server's top list into linkable items, leaving out posts the user may not read.
 *
 * @since 0.1.0
 *
 * @param array<int, array{post_id: int, count: int}> $top Entries from vip_presence_get_top_posts().
 * @return array<int, array{title: string, url: string, count: int}> Items.
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
			'title' => '' === $title ? __( '(no title)', 'vip-presence' ) : $title,
			'url'   => (string) get_permalink( $post ),
			'count' => $entry['count'],
		);
	}
	return $items;
}

/**
 * Returns the list markup of the widget.
 *
 * @since 0.1.0
 *
 * @param array<int, array{title: string, url: string, count: int}> $items Items, most read first.
 * @return string HTML.
 */
function vip_presence_top_posts_markup( array $items ) {
	if ( array() === $items ) {
		return '<p class="vip-presence-top-posts-empty">' . esc_html__( 'Nobody is reading anything right now.', 'vip-presence' ) . '</p>';
	}
	$html = '<ol class="vip-presence-top-posts">';
	foreach ( $items as $item ) {
		$html .= sprintf(
			'<li><a href="%1$s">%2$s</a> <span class="vip-presence-top-posts-count">%3$s</span></li>',
			esc_url( $item['url'] ),
			esc_html( $item['title'] ),
			esc_html(
				sprintf(
					/* translators: %s: number of people reading the post right now */
					_n( '%s person reading', '%s people reading', $item['count'], 'vip-presence' ),
					number_format_i18n( $item['count'] )
				)
			)
		);
	}
	return $html . '</ol>';
}

/**
 * Prints the widget.
 *
 * @since 0.1.0
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
	$top = vip_presence_get_top_posts( 10 );
	if ( is_wp_error( $top ) ) {
		echo '<p>' . esc_html__( 'The presence server is not answering right now. This list comes back by itself when it does.', 'vip-presence' ) . '</p>';
		if ( current_user_can( 'manage_options' ) ) {
			echo '<p class="description">' . esc_html( $top->get_error_message() ) . '</p>';
		}
		return;
	}
	echo vip_presence_top_posts_markup( vip_presence_get_top_posts_items( $top ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in vip_presence_top_posts_markup().
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
}
add_action( 'wp_dashboard_setup', 'vip_presence_add_dashboard_widget' );
