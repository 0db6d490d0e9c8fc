<?php
/**
 * Fresh view tokens for pages older than their token (DESIGN.md, point 22).
 *
 *   GET /wp-json/vip-presence/v1/tokens?posts=1,2,3
 *
 * Public, like the pages themselves: a full-page cache may serve a page whose printed token has
 * expired, and the SDK then asks here once for a fresh one. Tokens are only given for posts anyone
 * may read: published (or otherwise publicly viewable), not password-protected, of a public post
 * type other than attachments. Every other id (draft, pending, scheduled, private, trashed,
 * password-protected, unknown, other post types) gets the same per-post error, so the route never
 * tells whether a hidden post exists.
 *
 * Tokens are of this site: signed with its site key (v2; v1 when the key is '', the server's default
 * site) for posts of this site. In a network, an id is looked up on the site the request is for, so a
 * post of another site of the network that has the same id gets the token of this site's post, or the
 * refusal when this site has none: a token never names another site.
 *
 * Answers:
 * - 200 `{ "tokens": { "1": "v2.<site>.1.<expiresAt>.<sig>" }, "errors": { "2": { "code", "message" } } }`
 *   when at least one post gets a token; `Cache-Control: public, max-age=` half the token lifetime
 *   (60 s when some post was refused, as a draft may be published any minute).
 * - 400 `vip_presence_invalid_posts`: `posts` missing, or not a comma-separated list of post ids.
 * - 400 `vip_presence_too_many_posts`: more ids than vip_presence_max_token_posts() (20).
 * - 404 `vip_presence_post_not_viewable`: no asked post gets a token.
 * - 503 `vip_presence_not_configured`: no secret is set.
 *
 * @package vip-presence
 * @since 0.2.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Returns the most post ids one request of the tokens route may ask for.
 *
 * @since 0.2.0
 *
 * @return int
 */
function vip_presence_max_token_posts() {
	return 20;
}

/**
 * Tells whether anyone may read a post, so that its view token may be given to anyone.
 *
 * @since 0.2.0
 *
 * @param int $post_id Post id.
 * @return bool False for drafts, private, password-protected, trashed and unknown posts, and for
 *              post types the plugin does not serve (non-public ones and attachments).
 */
function vip_presence_is_token_public( $post_id ) {
	$post = get_post( $post_id );
	if ( ! $post instanceof WP_Post || '' !== $post->post_password ) {
		return false;
	}
	if ( ! in_array( $post->post_type, vip_presence_get_public_post_types(), true ) ) {
		return false;
	}
	return 'publish' === get_post_status( $post ) && is_post_publicly_viewable( $post );
}

/**
 * Parses the `posts` parameter: comma-separated post ids, duplicates dropped.
 *
 * @since 0.2.0
 *
 * @param mixed $value Parameter value.
 * @return int[]|null Post ids in order of first appearance, or null when malformed or empty.
 */
function vip_presence_parse_token_posts( $value ) {
	if ( ! is_string( $value ) || '' === $value ) {
		return null;
	}
	$post_ids = array();
	foreach ( explode( ',', $value ) as $part ) {
		if ( ! preg_match( '/^[1-9][0-9]{0,15}$/', $part ) || ! vip_presence_is_post_id( (int) $part ) ) {
			return null;
		}
		$post_ids[ (int) $part ] = (int) $part;
	}
	return array_values( $post_ids );
}

/**
 * Answers GET /vip-presence/v1/tokens.
 *
 * @since 0.2.0
 *
 * @param WP_REST_Request $request Request.
 * @return WP_REST_Response|WP_Error
 */
function vip_presence_rest_get_tokens( WP_REST_Request $request ) {
	$post_ids = vip_presence_parse_token_posts( $request->get_param( 'posts' ) );
	if ( null === $post_ids ) {
		return new WP_Error( 'vip_presence_invalid_posts', __( 'posts must be a comma-separated list of post ids, e.g. posts=1,2,3.', 'vip-presence' ), array( 'status' => 400 ) );
	}
	$max = vip_presence_max_token_posts();
	if ( count( $post_ids ) > $max ) {
		/* translators: %d: the most post ids one request may ask for. */
		return new WP_Error( 'vip_presence_too_many_posts', sprintf( __( 'Ask for at most %d posts at once.', 'vip-presence' ), $max ), array( 'status' => 400 ) );
	}
	if ( '' === vip_presence_get_secret() ) {
		return new WP_Error( 'vip_presence_not_configured', __( 'VIP Presence has no secret set.', 'vip-presence' ), array( 'status' => 503 ) );
	}
	$tokens = array();
	$errors = array();
	$now    = time();
	foreach ( $post_ids as $post_id ) {
		$token = vip_presence_is_token_public( $post_id ) ? vip_presence_get_token( $post_id, $now ) : '';
		if ( '' !== $token ) {
			$tokens[ (string) $post_id ] = $token;
		} else {
			$errors[ (string) $post_id ] = array(
				'code'    => 'vip_presence_post_not_viewable',
				'message' => __( 'No such post is publicly viewable.', 'vip-presence' ),
			);
		}
	}
	if ( array() === $tokens ) {
		return new WP_Error( 'vip_presence_post_not_viewable', __( 'None of the posts is publicly viewable.', 'vip-presence' ), array( 'status' => 404 ) );
	}
	$max_age  = array() === $errors ? intdiv( vip_presence_get_token_lifetime(), 2 ) : min( 60, intdiv( vip_presence_get_token_lifetime(), 2 ) );
	$response = new WP_REST_Response(
		array(
			'tokens' => (object) $tokens,
			'errors' => (object) $errors,
		)
	);
	$response->header( 'Cache-Control', 'public, max-age=' . $max_age );
	return $response;
}

/**
 * Registers the tokens route.
 *
 * @since 0.2.0
 */
function vip_presence_register_tokens_route() {
	register_rest_route(
		'vip-presence/v1',
		'/tokens',
		array(
			'methods'             => WP_REST_Server::READABLE,
			'callback'            => 'vip_presence_rest_get_tokens',
			'permission_callback' => '__return_true', // Public, as the pages that print the tokens are.
			'args'                => array(
				'posts' => array(
					'description' => __( 'Comma-separated post ids.', 'vip-presence' ),
					'type'        => 'string',
				),
			),
		)
	);
}
add_action( 'rest_api_init', 'vip_presence_register_tokens_route' );

/**
 * Returns the URL of the tokens route, which the SDK asks when a token is refused.
 *
 * @since 0.2.0
 *
 * @return string Absolute URL, without query.
 */
function vip_presence_get_tokens_url() {
	return rest_url( 'vip-presence/v1/tokens' );
}
