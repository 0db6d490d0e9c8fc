<?php
/**
 * GET /vip-presence/v1/tokens: fresh view tokens for publicly viewable posts only.
 *
 * @package vip-presence
 */

/**
 * Tests of includes/rest-tokens.php.
 */
class VIP_Presence_Rest_Tokens_Test extends VIP_Presence_Test_Case {

	/**
	 * A post type the plugin does not serve (not public), registered for one test.
	 */
	const HIDDEN_TYPE = 'vip_presence_hidden';

	protected function tearDown(): void {
		if ( post_type_exists( self::HIDDEN_TYPE ) ) {
			unregister_post_type( self::HIDDEN_TYPE );
		}
		parent::tearDown();
	}

	/**
	 * Asks the route, in this process, as a logged-out visitor would.
	 *
	 * @param string|null $posts The `posts` parameter; null to leave it out.
	 * @return WP_REST_Response
	 */
	private function ask( $posts ) {
		$request = new WP_REST_Request( 'GET', '/vip-presence/v1/tokens' );
		if ( null !== $posts ) {
			$request->set_query_params( array( 'posts' => $posts ) );
		}
		return rest_do_request( $request );
	}

	/**
	 * Asserts that a response is a WP_Error turned into JSON, with its code and status.
	 *
	 * @param WP_REST_Response $response Response.
	 * @param int              $status   Expected status.
	 * @param string           $code     Expected error code.
	 */
	private function assertRefused( $response, $status, $code ) {
		$this->assertSame( $status, $response->get_status() );
		$data = rest_get_server()->response_to_data( $response, false );
		$this->assertSame( $code, $data['code'] );
		$this->assertIsString( $data['message'] );
		$this->assertNotSame( '', $data['message'] );
	}

	/**
	 * Asserts that a token is a v2 token of this site (v1 when its key is '') for the post, signed with
	 * the secret, not expired.
	 *
	 * @param int    $post_id Post id.
	 * @param string $token   Token.
	 * @param string $site    Site key the token must name; null for this site's key in effect.
	 */
	private function assertVerifies( $post_id, $token, $site = null ) {
		$site = null === $site ? vip_presence_get_site_key() : $site;
		if ( '' === $site ) {
			$this->assertMatchesRegularExpression( '/^v1\.' . $post_id . '\.([1-9][0-9]*)\.([A-Za-z0-9_-]{43})$/', $token );
			list( , , $expires_at, $signature ) = explode( '.', $token );

			$message = 'vip-presence:v1:' . $post_id . ':' . $expires_at;
		} else {
			$this->assertMatchesRegularExpression( '/^v2\.' . preg_quote( $site, '/' ) . '\.' . $post_id . '\.([1-9][0-9]*)\.([A-Za-z0-9_-]{43})$/', $token );
			list( , , , $expires_at, $signature ) = explode( '.', $token );

			$message = 'vip-presence:v2:' . $site . ':' . $post_id . ':' . $expires_at;
		}
		$this->assertGreaterThan( time(), (int) $expires_at, 'the token is not expired' );
		$expected = rtrim( strtr( base64_encode( hash_hmac( 'sha256', $message, self::SECRET, true ) ), '+/', '-_' ), '=' ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- the token format is base64url.
		$this->assertSame( $expected, $signature, 'signed with the secret for this post id and site' );
	}

	public function test_gives_a_fresh_token_of_a_published_post_signed_with_the_secret() {
		$this->configure();
		$post_id  = $this->create_post();
		$response = $this->ask( (string) $post_id );
		$this->assertSame( 200, $response->get_status() );
		$data = rest_get_server()->response_to_data( $response, false );
		$this->assertSame( array( $post_id ), array_keys( (array) $data['tokens'] ) );
		$this->assertVerifies( $post_id, $data['tokens']->{$post_id} );
		$this->assertSame( array(), (array) $data['errors'] );
	}

	public function test_gives_v2_tokens_that_name_this_site() {
		$this->configure();
		$post_id = $this->create_post();
		$derived = vip_presence_derive_site_key( 'http://' . VIP_Presence_Test_Site::DOMAIN );
		$data    = rest_get_server()->response_to_data( $this->ask( (string) $post_id ), false );
		$this->assertStringStartsWith( 'v2.' . $derived . '.' . $post_id . '.', $data['tokens']->{$post_id} );
		$this->assertVerifies( $post_id, $data['tokens']->{$post_id}, $derived );

		add_filter(
			'vip_presence_site_key',
			static function () {
				return 'chosen-site';
			}
		);
		$data = rest_get_server()->response_to_data( $this->ask( (string) $post_id ), false );
		$this->assertVerifies( $post_id, $data['tokens']->{$post_id}, 'chosen-site' );

		add_filter( 'vip_presence_site_key', '__return_empty_string', 20 );
		$data = rest_get_server()->response_to_data( $this->ask( (string) $post_id ), false );
		$this->assertVerifies( $post_id, $data['tokens']->{$post_id}, '' );
	}

	public function test_is_public_and_cacheable_for_half_the_token_lifetime() {
		$this->configure();
		$post_id = $this->create_post();
		$this->assertSame( 'public, max-age=86400', $this->ask( (string) $post_id )->get_headers()['Cache-Control'] );

		add_filter(
			'vip_presence_token_lifetime',
			static function () {
				return 3 * HOUR_IN_SECONDS;
			}
		);
		$this->assertSame( 'public, max-age=5400', $this->ask( (string) $post_id )->get_headers()['Cache-Control'] );
	}

	public function test_refuses_each_post_that_is_not_publicly_viewable_in_a_per_post_map() {
		$this->configure();
		register_post_type( self::HIDDEN_TYPE, array( 'public' => false ) );
		$published = $this->create_post();
		$refused   = array(
			'draft'              => $this->create_post( array( 'post_status' => 'draft' ) ),
			'pending'            => $this->create_post( array( 'post_status' => 'pending' ) ),
			'scheduled'          => $this->create_post(
				array(
					'post_status' => 'future',
					'post_date'   => gmdate( 'Y-m-d H:i:s', time() + DAY_IN_SECONDS ),
				)
			),
			'private'            => $this->create_post( array( 'post_status' => 'private' ) ),
			'password-protected' => $this->create_post( array( 'post_password' => 'secret' ) ),
			'trashed'            => $this->create_post( array( 'post_status' => 'trash' ) ),
			'hidden post type'   => $this->create_post( array( 'post_type' => self::HIDDEN_TYPE ) ),
			'attachment'         => $this->create_post(
				array(
					'post_type'   => 'attachment',
					'post_status' => 'inherit',
				)
			),
			'unknown'            => 987654321,
		);
		$this->log_in_as( 'administrator' ); // Even an editor of them gets no token: the route is for everyone alike.

		$response = $this->ask( $published . ',' . implode( ',', $refused ) );
		$this->assertSame( 200, $response->get_status() );
		$data = rest_get_server()->response_to_data( $response, false );
		$this->assertSame( array( $published ), array_keys( (array) $data['tokens'] ) );
		$this->assertVerifies( $published, $data['tokens']->{$published} );
		foreach ( $refused as $case => $post_id ) {
			$this->assertSame( 'vip_presence_post_not_viewable', $data['errors']->{$post_id}['code'] ?? null, $case );
		}
		$this->assertCount( count( $refused ), (array) $data['errors'] );
		$this->assertSame( 'public, max-age=60', $response->get_headers()['Cache-Control'], 'a refusal is not cached for long' );
	}

	public function test_answers_404_with_a_json_error_when_no_asked_post_is_publicly_viewable() {
		$this->configure();
		$draft   = $this->create_post( array( 'post_status' => 'draft' ) );
		$private = $this->create_post( array( 'post_status' => 'private' ) );
		$this->assertRefused( $this->ask( (string) $draft ), 404, 'vip_presence_post_not_viewable' );
		$this->assertRefused( $this->ask( $draft . ',' . $private ), 404, 'vip_presence_post_not_viewable' );
	}

	public function test_refuses_a_missing_or_malformed_list_of_posts() {
		$this->configure();
		$post_id = $this->create_post();
		foreach ( array( null, '', 'abc', $post_id . ',', '0', '-1', '1.5', $post_id . ',x', '9007199254740992' ) as $posts ) {
			$this->assertRefused( $this->ask( $posts ), 400, 'vip_presence_invalid_posts' );
		}
	}

	public function test_caps_the_number_of_posts_per_request() {
		$this->configure();
		$post_id = $this->create_post();
		$at_cap  = array_merge( array( $post_id ), range( 900001, 900000 + vip_presence_max_token_posts() - 1 ) );
		$this->assertSame( 20, count( $at_cap ) );
		$this->assertSame( 200, $this->ask( implode( ',', $at_cap ) )->get_status() );
		$this->assertSame( 200, $this->ask( implode( ',', array_merge( $at_cap, array( $post_id ) ) ) )->get_status(), 'a repeated id counts once' );
		$this->assertRefused( $this->ask( implode( ',', array_merge( $at_cap, array( 999999 ) ) ) ), 400, 'vip_presence_too_many_posts' );
	}

	public function test_answers_503_when_no_secret_is_set() {
		$this->configure( '' );
		$this->assertRefused( $this->ask( (string) $this->create_post() ), 503, 'vip_presence_not_configured' );
	}

	public function test_prints_the_route_url_in_the_settings_before_the_sdk() {
		$this->configure();
		$this->register_widget_script();
		wp_enqueue_script( 'vip-presence-widget' );
		vip_presence_add_widget_settings();
		$before = implode( "\n", (array) wp_scripts()->get_data( 'vip-presence-client', 'before' ) );
		$this->assertStringContainsString( '"tokensUrl":"' . rest_url( 'vip-presence/v1/tokens' ) . '"', $before );
	}
}
