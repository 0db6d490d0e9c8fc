<?php
/**
 * One post's readers over the last 24 hours, for the post editor's chart.
 *
 *   GET /wp-json/vip-presence/v1/posts/42/readers
 *
 * For users who can edit that post (cookie authentication with the `wp_rest` nonce, or an application
 * password). WordPress asks the presence server's read API (`/api/v1/counts?postIds=42&series=1440`)
 * with its credential, which never reaches the browser, and caches the answer briefly (http-client.php).
 *
 * Answers:
 * - 200 `{ "postId": 42, "count": 3, "peak": 9, "peakAt": 1764300000, "views": 120, "series": { "from":
 *   1764213600000, "bucketMs": 60000, "max": [...], "mean": [...] } }`: `series` as in
 *   rest-top-posts.php, 1,440 buckets (24 hours at the default minute), oldest first, the last the
 *   current one, null where not known; `peakAt` a Unix timestamp (null before any reader).
 *   `Cache-Control: no-store`.
 * - 401/403 `rest_forbidden`: not logged in, or cannot edit this post; 404 `rest_post_invalid_id`.
 * - 503 `vip_presence_not_configured`; 503 `vip_presence_series_off`: the server keeps no series
 *   (SERIES_BUCKET_MS=0); 503 `vip_presence_unavailable`: the server did not answer (the message says
 *   why to users who can manage options).
 *
 * @package vip-presence
 * @since 0.2.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Returns how many buckets the editor's chart shows.
 *
 * @since 0.2.0
 *
 * @return int 1440: 24 hours of minutes.
 */
function vip_presence_post_readers_buckets() {
	return 1440;
}

/**
 * Answers GET /vip-presence/v1/posts/<id>/readers.
 *
 * @since 0.2.0
 *
 * @param WP_REST_Request $request Request.
 * @return WP_REST_Response|WP_Error
 */
function vip_presence_rest_get_post_readers( WP_REST_Request $request ) {
	$post_id = (int) $request->get_param( 'id' );
	if ( ! vip_presence_is_configured() ) {
		return new WP_Error( 'vip_presence_not_configured', __( 'VIP Presence is not connected to a presence server yet.', 'vip-presence' ), array( 'status' => 503 ) );
	}
	$result = vip_presence_get_post_series( $post_id, vip_presence_post_readers_buckets() );
	if ( is_wp_error( $result ) && 'vip_presence_series_off' === $result->get_error_code() ) {
		return new WP_Error( 'vip_presence_series_off', __( 'The presence server does not keep readers over time.', 'vip-presence' ), array( 'status' => 503 ) );
	}
	if ( is_wp_error( $result ) ) {
		$message = current_user_can( 'manage_options' )
			? $result->get_error_message()
			: __( 'The presence server is not answering right now.', 'vip-presence' );
		return new WP_Error( 'vip_presence_unavailable', $message, array( 'status' => 503 ) );
	}
	$response = new WP_REST_Response(
		array(
			'postId' => $post_id,
			'count'  => $result['count'],
			'peak'   => $result['peak'],
			'peakAt' => $result['peak_at'],
			'views'  => $result['views'],
			'series' => vip_presence_rest_series( $result['series'] ),
		)
	);
	$response->header( 'Cache-Control', 'no-store' );
	return $response;
}

/**
 * Lets only users who can edit the post ask for its readers.
 *
 * @since 0.2.0
 *
 * @param WP_REST_Request $request Request.
 * @return bool|WP_Error
 */
function vip_presence_can_read_post_readers( WP_REST_Request $request ) {
	$post = get_post( (int) $request->get_param( 'id' ) );
	if ( ! $post ) {
		return new WP_Error( 'rest_post_invalid_id', __( 'Invalid post ID.', 'vip-presence' ), array( 'status' => 404 ) );
	}
	return current_user_can( 'edit_post', $post->ID );
}

/**
 * Registers the route.
 *
 * @since 0.2.0
 */
function vip_presence_register_post_readers_route() {
	register_rest_route(
		'vip-presence/v1',
		'/posts/(?P<id>[1-9][0-9]{0,15})/readers',
		array(
			'methods'             => WP_REST_Server::READABLE,
			'callback'            => 'vip_presence_rest_get_post_readers',
			'permission_callback' => 'vip_presence_can_read_post_readers',
			'args'                => array(
				'id' => array(
					'description' => __( 'Post ID.', 'vip-presence' ),
					'type'        => 'integer',
				),
			),
		)
	);
}
add_action( 'rest_api_init', 'vip_presence_register_post_readers_route' );
