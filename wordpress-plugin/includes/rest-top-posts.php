<?php
/**
 * This site's posts with the most readers now, for the "Most read right now" dashboard widget, which
 * asks for the list again every few seconds while the dashboard is shown (dashboard-widget.php).
 *
 *   GET /wp-json/vip-presence/v1/top?limit=10
 *   GET /wp-json/vip-presence/v1/top?limit=10&series=60   each post with its readers over time
 *
 * For users who can edit posts (cookie authentication with the `wp_rest` nonce, or an application
 * password). WordPress asks the presence server's read API with its credential and answers with what
 * the user may see: the read API's credential never reaches the browser. Posts the user may not read
 * are left out.
 *
 * Answers:
 * - 200 `{ "posts": [ { "postId": 42, "title": "…", "url": "…", "count": 3, "peak": 9,
 *   "peakAt": 1764300000, "views": 120 } ] }`, most readers now first; `title` is plain text
 *   (entities decoded), `peakAt` a Unix timestamp; `peak`, `peakAt` and `views` are null when the
 *   server does not send them. With `series=N` (1-60) each post also has `series`: `{ "from": ms,
 *   "bucketMs": 60000, "max": [...], "mean": [...] }`, its last N buckets (oldest first, the last the
 *   current one, null where not known), or null when the server keeps none (SERIES_BUCKET_MS=0).
 *   `Cache-Control: no-store`.
 * - 401/403 `rest_forbidden`: not logged in, or cannot edit posts.
 * - 503 `vip_presence_not_configured`: no server URL is set.
 * - 503 `vip_presence_unavailable`: the presence server did not answer (the message says why to
 *   users who can manage options).
 *
 * @package vip-presence
 * @since 0.2.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Answers GET /vip-presence/v1/top.
 *
 * @since 0.2.0
 *
 * @param WP_REST_Request $request Request.
 * @return WP_REST_Response|WP_Error
 */
function vip_presence_rest_get_top_posts( WP_REST_Request $request ) {
	if ( ! vip_presence_is_configured() ) {
		return new WP_Error( 'vip_presence_not_configured', __( 'VIP Presence is not connected to a presence server yet.', 'vip-presence' ), array( 'status' => 503 ) );
	}
	$top = vip_presence_get_top_posts( (int) $request->get_param( 'limit' ), (int) $request->get_param( 'series' ) );
	if ( is_wp_error( $top ) ) {
		$message = current_user_can( 'manage_options' )
			? $top->get_error_message()
			: __( 'The presence server is not answering right now.', 'vip-presence' );
		return new WP_Error( 'vip_presence_unavailable', $message, array( 'status' => 503 ) );
	}
	$posts = array();
	foreach ( vip_presence_get_top_posts_items( $top ) as $item ) {
		$post = array(
			'postId' => $item['post_id'],
			'title'  => html_entity_decode( $item['title'], ENT_QUOTES | ENT_HTML5, 'UTF-8' ),
			'url'    => $item['url'],
			'count'  => $item['count'],
			'peak'   => $item['peak'],
			'peakAt' => $item['peak_at'],
			'views'  => $item['views'],
		);
		if ( $request->get_param( 'series' ) > 0 ) {
			$post['series'] = null === $item['series'] ? null : vip_presence_rest_series( $item['series'] );
		}
		$posts[] = $post;
	}
	$response = new WP_REST_Response( array( 'posts' => $posts ) );
	$response->header( 'Cache-Control', 'no-store' );
	return $response;
}

/**
 * Turns a series (vip_presence_parse_series()) into its REST shape.
 *
 * @since 0.2.0
 *
 * @param array{from: int, bucket_ms: int, max: array<int, int|null>, mean: array<int, float|null>} $series Series.
 * @return array{from: int, bucketMs: int, max: array<int, int|null>, mean: array<int, float|null>}
 */
function vip_presence_rest_series( array $series ) {
	return array(
		'from'     => $series['from'],
		'bucketMs' => $series['bucket_ms'],
		'max'      => $series['max'],
		'mean'     => $series['mean'],
	);
}

/**
 * Lets only users who can edit posts (those who get the dashboard widget) ask for the list.
 *
 * @since 0.2.0
 *
 * @return bool
 */
function vip_presence_can_read_top_posts() {
	return current_user_can( 'edit_posts' );
}

/**
 * Registers the route.
 *
 * @since 0.2.0
 */
function vip_presence_register_top_posts_route() {
	register_rest_route(
		'vip-presence/v1',
		'/top',
		array(
			'methods'             => WP_REST_Server::READABLE,
			'callback'            => 'vip_presence_rest_get_top_posts',
			'permission_callback' => 'vip_presence_can_read_top_posts',
			'args'                => array(
				'limit' => array(
					'description' => __( 'How many posts, 1 to 100.', 'vip-presence' ),
					'type'        => 'integer',
					'minimum'     => 1,
					'maximum'     => 100,
					'default'     => 10,
				),
				'series' => array(
					'description' => __( 'How many minutes of readers over time each post carries, 0 (none) to 60.', 'vip-presence' ),
					'type'        => 'integer',
					'minimum'     => 0,
					'maximum'     => 60,
					'default'     => 0,
				),
			),
		)
	);
}
add_action( 'rest_api_init', 'vip_presence_register_top_posts_route' );

/**
 * Returns the URL of the route.
 *
 * @since 0.2.0
 *
 * @return string Absolute URL, without query.
 */
function vip_presence_get_top_posts_url() {
	return rest_url( 'vip-presence/v1/top' );
}
