<?php
/**
 * View tokens: the PHP signer against the shared test vectors of packages/protocol.
 *
 * @package vip-presence
 */

/**
 * Tests of includes/tokens.php.
 */
class VIP_Presence_Tokens_Test extends VIP_Presence_Test_Case {

	/**
	 * The shared vectors, read from the monorepo (the plugin zip does not ship them).
	 *
	 * @return array<string, mixed>
	 */
	private static function vectors() {
		$file = dirname( __DIR__, 2 ) . '/packages/protocol/test-vectors/tokens.json';
		self::assertFileExists( $file, 'the shared token vectors of packages/protocol' );
		$vectors = json_decode( (string) file_get_contents( $file ), true );
		self::assertIsArray( $vectors );
		self::assertNotEmpty( $vectors['valid'] );
		return $vectors;
	}

	/**
	 * Provides every "valid" vector.
	 *
	 * @return array<string, array{0: array<string, mixed>}>
	 */
	public function valid_vectors() {
		$cases = array();
		foreach ( self::vectors()['valid'] as $index => $vector ) {
			$site = isset( $vector['site'] ) ? 'v2 site ' . $vector['site'] : 'v1';
			$cases[ sprintf( '#%d %s post %s', $index, $site, $vector['postId'] ) ] = array( $vector );
		}
		return $cases;
	}

	public function test_the_shared_vectors_cover_both_versions() {
		$versions = array();
		foreach ( self::vectors()['valid'] as $vector ) {
			$versions[ substr( $vector['token'], 0, 3 ) ] = true;
			$this->assertSame( isset( $vector['site'] ), 0 === strpos( $vector['token'], 'v2.' ), 'a vector has a site exactly when its token is v2' );
		}
		$this->assertSame( array( 'v1.', 'v2.' ), array_keys( $versions ) );
	}

	/**
	 * @dataProvider valid_vectors
	 *
	 * @param array<string, mixed> $vector A valid vector: v1 without "site", v2 with it.
	 */
	public function test_signs_each_valid_shared_vector_exactly( array $vector ) {
		$this->assertIsInt( $vector['postId'] );
		$this->assertIsInt( $vector['expiresAt'] );
		if ( isset( $vector['site'] ) ) {
			$this->assertSame(
				$vector['token'],
				vip_presence_sign_token( $vector['secret'], $vector['postId'], $vector['expiresAt'], $vector['site'] )
			);
		} else {
			$this->assertSame(
				$vector['token'],
				vip_presence_sign_token( $vector['secret'], $vector['postId'], $vector['expiresAt'] ),
				'v1 when no site is given'
			);
			$this->assertSame(
				$vector['token'],
				vip_presence_sign_token( $vector['secret'], $vector['postId'], $vector['expiresAt'], '' ),
				"v1 for the site ''"
			);
		}
	}

	public function test_signs_the_message_the_vectors_describe() {
		foreach ( self::vectors()['valid'] as $vector ) {
			$signature = substr( strrchr( $vector['token'], '.' ), 1 );
			$expected  = vip_presence_base64url_encode( hash_hmac( 'sha256', $vector['message'], $vector['secret'], true ) );
			$this->assertSame( $expected, $signature );
		}
	}

	public function test_never_produces_the_forged_tokens_of_the_invalid_vectors() {
		$checked = 0;
		foreach ( self::vectors()['invalid'] as $vector ) {
			// An expired token is genuine, only late; the others must not match what we sign for the
			// vector's post and site (the site of the socket that presents it; absent: the default site).
			if ( 'invalid_token' !== $vector['code'] || ! preg_match( '/^v[0-9]\.(?:[^.]*\.)*?[0-9]+\.([1-9][0-9]*)\.[^.]*$/', $vector['token'], $match ) ) {
				continue;
			}
			$site   = isset( $vector['site'] ) ? $vector['site'] : '';
			$signed = vip_presence_sign_token( $vector['secret'], $vector['postId'], (int) $match[1], $site );
			$this->assertNotSame( $vector['token'], $signed, $vector['description'] );
			++$checked;
		}
		$this->assertGreaterThanOrEqual( 10, $checked, 'v1 and v2 forgeries are checked' );
	}

	public function test_signs_v2_with_the_site_in_the_token_and_in_the_signed_message() {
		$token = vip_presence_sign_token( 'secret', 7, 1767225600, 'news-example-com-1a2b3c4d' );
		$this->assertMatchesRegularExpression( '/^v2\.news-example-com-1a2b3c4d\.7\.1767225600\.[A-Za-z0-9_-]{43}$/', $token );
		$this->assertSame(
			vip_presence_base64url_encode( hash_hmac( 'sha256', 'vip-presence:v2:news-example-com-1a2b3c4d:7:1767225600', 'secret', true ) ),
			substr( $token, strrpos( $token, '.' ) + 1 )
		);
		$this->assertNotSame( $token, vip_presence_sign_token( 'secret', 7, 1767225600, 'news-example-com-1a2b3c4e' ), 'another site, another token' );
	}

	public function test_refuses_to_sign_for_a_malformed_site() {
		$malformed = array(
			'a dot'           => 'site.a',
			'65 characters'   => str_repeat( 'x', 65 ),
			'a space'         => 'site a',
			'a colon'         => 'site:a',
			'a trailing line' => "site\n",
			'non-ASCII'       => 'sité',
			'not a string'    => 42,
			'null'            => null,
		);
		foreach ( $malformed as $case => $site ) {
			$this->assertSame( '', vip_presence_sign_token( 'secret', 1, 2000000000, $site ), $case );
		}
		$this->assertStringStartsWith( 'v2.' . str_repeat( 'x', 64 ) . '.1.', vip_presence_sign_token( 'secret', 1, 2000000000, str_repeat( 'x', 64 ) ), '64 characters are fine' );
	}

	public function test_encodes_base64url_without_padding() {
		$this->assertSame( '-_8', vip_presence_base64url_encode( "\xfb\xff" ) );
		$this->assertSame( 'YQ', vip_presence_base64url_encode( 'a' ) );
		$this->assertSame( 43, strlen( vip_presence_base64url_encode( str_repeat( "\xff", 32 ) ) ) );
	}

	public function test_refuses_to_sign_out_of_range_input() {
		$this->assertSame( '', vip_presence_sign_token( '', 1, 2000000000 ), 'empty secret' );
		$this->assertSame( '', vip_presence_sign_token( 's', 0, 2000000000 ), 'post id 0' );
		$this->assertSame( '', vip_presence_sign_token( 's', -5, 2000000000 ), 'negative post id' );
		$this->assertSame( '', vip_presence_sign_token( 's', '42', 2000000000 ), 'post id as string' );
		$this->assertSame( '', vip_presence_sign_token( 's', 9007199254740992, 2000000000 ), 'post id above 2^53 - 1' );
		$this->assertSame( '', vip_presence_sign_token( 's', 1, 0 ), 'expiry 0' );
		$this->assertSame( '', vip_presence_sign_token( 's', 1, 1000000000000 ), 'expiry of 13 digits' );
		$this->assertStringStartsWith( 'v1.9007199254740991.', vip_presence_sign_token( 's', 9007199254740991, 1 ) );
	}

	public function test_writes_numbers_in_decimal_without_leading_zeros() {
		$this->assertMatchesRegularExpression(
			'/^v1\.7\.1767225600\.[A-Za-z0-9_-]{43}$/',
			vip_presence_sign_token( 'secret', 7, 1767225600 )
		);
	}

	public function test_rounds_the_expiry_up_to_the_next_full_hour() {
		$this->assertSame( 1767225600 + 3600, vip_presence_token_expires_at( 1767225601, 0 ) );
		$this->assertSame( 1767225600, vip_presence_token_expires_at( 1767225600, 0 ), 'a full hour stays' );
		$this->assertSame( 1767225600 + 2 * 86400, vip_presence_token_expires_at( 1767225600 - 3599, 2 * 86400 ) );
	}

	public function test_gives_every_page_of_the_same_hour_the_same_token() {
		$this->configure();
		$hour_start = 1767225600;
		$first      = vip_presence_get_token( 42, $hour_start + 1 );
		$this->assertSame( $first, vip_presence_get_token( 42, $hour_start + 1800 ) );
		$this->assertSame( $first, vip_presence_get_token( 42, $hour_start + 3600 ) );
		$this->assertNotSame( $first, vip_presence_get_token( 42, $hour_start + 3601 ) );
	}

	public function test_issues_tokens_valid_for_two_days_by_default() {
		$this->configure( 'correct horse battery staple' );
		$now   = 1767225600 + 10;
		$token = vip_presence_get_token( 42, $now );

		list( , $site, $post_id, $expires_at ) = explode( '.', $token );
		$this->assertSame( vip_presence_get_site_key(), $site );
		$this->assertSame( '42', $post_id );
		$this->assertGreaterThanOrEqual( $now + 2 * 86400, (int) $expires_at );
		$this->assertLessThan( $now + 2 * 86400 + 3600, (int) $expires_at );
		$this->assertSame( 0, (int) $expires_at % 3600 );
		$this->assertSame( vip_presence_sign_token( 'correct horse battery staple', 42, (int) $expires_at, $site ), $token );
	}

	public function test_signs_v2_tokens_of_this_site_by_default() {
		$this->configure( 'correct horse battery staple' );
		$site = vip_presence_derive_site_key( 'http://' . VIP_Presence_Test_Site::DOMAIN );
		$this->assertSame( $site, vip_presence_get_site_key() );
		$this->assertSame(
			vip_presence_sign_token( 'correct horse battery staple', 42, 1767225600 + 2 * 86400, $site ),
			vip_presence_get_token( 42, 1767225600 )
		);
		$this->assertStringStartsWith( 'v2.' . $site . '.42.', vip_presence_get_token( 42 ) );
	}

	public function test_signs_v1_tokens_when_the_site_is_the_default_site() {
		$this->configure( 'correct horse battery staple' );
		add_filter( 'vip_presence_site_key', '__return_empty_string' );
		$this->assertSame(
			vip_presence_sign_token( 'correct horse battery staple', 42, 1767225600 + 2 * 86400 ),
			vip_presence_get_token( 42, 1767225600 )
		);
		$this->assertStringStartsWith( 'v1.42.', vip_presence_get_token( 42 ) );
	}

	public function test_lets_a_filter_change_the_lifetime() {
		$this->configure();
		add_filter(
			'vip_presence_token_lifetime',
			function () {
				return 7 * 86400;
			}
		);
		$this->assertSame( 7 * 86400, vip_presence_get_token_lifetime() );
		$token = vip_presence_get_token( 1, 1767225600 );
		$this->assertSame( 1767225600 + 7 * 86400, (int) explode( '.', $token )[3] );
	}

	public function test_ignores_a_lifetime_filter_that_returns_nonsense() {
		add_filter(
			'vip_presence_token_lifetime',
			function () {
				return -1;
			}
		);
		$this->assertSame( 2 * 86400, vip_presence_get_token_lifetime() );
	}

	public function test_issues_no_token_without_a_secret() {
		$this->configure( '' );
		$this->assertSame( '', vip_presence_get_token( 42 ) );
	}
}
