<?php
/**
 * The site key: derived from the home URL by default, set by the VIP_PRESENCE_SITE_KEY constant or
 * the vip_presence_site_key filter, and what the settings screen says about it.
 *
 * @package vip-presence
 */

require_once ABSPATH . 'wp-admin/includes/plugin.php';

/**
 * Tests of includes/site-key.php and the site key field of the settings screen.
 */
class VIP_Presence_Site_Key_Test extends VIP_Presence_Test_Case {

	/**
	 * What the protocol accepts as a site key (packages/protocol: SITE_KEY_PATTERN).
	 */
	const PATTERN = '/^[A-Za-z0-9_-]{1,64}$/D';

	/**
	 * The key this site derives from its home URL, http://example.org, written out by hand.
	 *
	 * @return string
	 */
	private static function expected_default_key() {
		return 'example-org-' . substr( hash( 'sha256', 'example.org' ), 0, 8 );
	}

	/**
	 * Sets the site's home URL for the rest of the test (rolled back after it).
	 *
	 * @param string $url Home URL.
	 */
	private function set_home( $url ) {
		// WP_HOME is defined by the test site's wp-config.php and wins over the option: filter it as WP_HOME does.
		add_filter(
			'option_home',
			static function () use ( $url ) {
				return $url;
			},
			20
		);
		$this->assertSame( $url, get_option( 'home' ) );
	}

	/**
	 * Returns the problem codes a constant alone causes: in a network it gives every site one key.
	 *
	 * @return string[]
	 */
	private function network_warning() {
		return is_multisite() ? array( 'vip_presence_network_site_key_constant' ) : array();
	}

	public function test_derives_a_readable_key_from_the_home_url_with_a_hash_of_it() {
		$this->assertSame( 'http://example.org', get_option( 'home' ) );
		$key = vip_presence_get_site_key();
		$this->assertMatchesRegularExpression( self::PATTERN, $key );
		$this->assertSame( self::expected_default_key(), $key );
		$this->assertSame( 'home_url', vip_presence_get_site_key_info()['source'] );
	}

	public function test_keeps_the_same_key_across_requests_and_schemes() {
		$key = vip_presence_get_site_key();
		$this->go_to( get_permalink( $this->create_post() ) );
		$this->assertSame( $key, vip_presence_get_site_key(), 'another request of the same site' );
		$_SERVER['HTTPS'] = 'on'; // home_url() would turn https now; the key must not.
		try {
			$this->assertSame( $key, vip_presence_get_site_key(), 'an https request' );
		} finally {
			unset( $_SERVER['HTTPS'] );
		}
		foreach ( array( 'https://example.org', 'http://EXAMPLE.org/', 'https://example.org/' ) as $same ) {
			$this->assertSame( $key, vip_presence_derive_site_key( $same ), $same );
		}
	}

	public function test_gives_every_home_url_a_key_of_its_own() {
		$urls = array(
			'http://a.com',
			'http://a-com',
			'http://a.com:8080',
			'http://a.com/blog',
			'http://a.com/blog/second',
			'http://b.a.com',
			'http://localhost:8888',
			'http://localhost:8889',
		);
		$keys = array();
		foreach ( $urls as $url ) {
			$this->set_home( $url );
			$keys[ $url ] = vip_presence_get_site_key();
			$this->assertMatchesRegularExpression( self::PATTERN, $keys[ $url ], $url );
		}
		$this->assertCount( count( $urls ), array_unique( $keys ), 'no two keys alike' );
		$this->assertSame( 'a-com-', substr( $keys['http://a.com'], 0, 6 ), 'a readable slug' );
		$this->assertSame( 'a-com-', substr( $keys['http://a-com'], 0, 6 ), 'the same slug, told apart by the hash' );
		$this->assertSame( 'a-com-blog-second-', substr( $keys['http://a.com/blog/second'], 0, 18 ) );
		$this->assertSame( 'localhost-8888-', substr( $keys['http://localhost:8888'], 0, 15 ) );
	}

	public function test_cuts_the_slug_of_a_long_home_url_to_fit_64_characters() {
		$long = 'https://a-very-long-subdomain-name-of-a-newsroom.example.com/regional/editions/north-east';
		$key  = vip_presence_derive_site_key( $long );
		$this->assertSame( 64, strlen( $key ) );
		$this->assertMatchesRegularExpression( self::PATTERN, $key );
		$this->assertStringStartsWith( 'a-very-long-subdomain-name-of-a-newsroom-example-com-re-', $key, '55 characters of slug, "-", 8 of hash' );
		$this->assertStringEndsWith( '-' . substr( hash( 'sha256', 'a-very-long-subdomain-name-of-a-newsroom.example.com/regional/editions/north-east' ), 0, 8 ), $key );
		$this->assertNotSame( $key, vip_presence_derive_site_key( $long . '-and-more' ), 'two URLs alike in their first 55 characters' );
		$this->assertStringNotContainsString( '--', vip_presence_derive_site_key( 'http://x.example/' . str_repeat( 'a', 53 ) . '/b' ), 'no "-" left before the hash by the cut' );
	}

	public function test_derives_a_key_from_hosts_that_leave_no_slug() {
		foreach ( array( 'http://例え', 'http://例え.jp', 'http://[::1]:8080', '' ) as $url ) {
			$this->assertMatchesRegularExpression( self::PATTERN, vip_presence_derive_site_key( $url ), $url );
		}
		$this->assertStringStartsWith( 'site-', vip_presence_derive_site_key( 'http://例え' ) );
		$this->assertStringStartsWith( 'jp-', vip_presence_derive_site_key( 'http://例え.jp' ) );
		$this->assertNotSame( vip_presence_derive_site_key( 'http://例え.jp' ), vip_presence_derive_site_key( 'http://他.jp' ) );
		$this->assertStringStartsWith( '1-8080-', vip_presence_derive_site_key( 'http://[::1]:8080' ) );
	}

	public function test_tells_site_keys_from_other_values() {
		foreach ( array( 'a', 'Site_2', 'news-example-com-1a2b3c4d', str_repeat( 'x', 64 ) ) as $key ) {
			$this->assertTrue( vip_presence_is_site_key( $key ), $key );
		}
		foreach ( array( '', 'site.a', 'site a', str_repeat( 'x', 65 ), "site\n", 'sité', 42, null, array( 'a' ) ) as $value ) {
			$this->assertFalse( vip_presence_is_site_key( $value ), wp_json_encode( $value ) );
		}
	}

	public function test_lets_a_filter_set_the_key_or_choose_the_default_site() {
		add_filter(
			'vip_presence_site_key',
			static function () {
				return 'blog-' . get_current_blog_id();
			}
		);
		$this->assertSame( 'blog-1', vip_presence_get_site_key() );
		$this->assertSame( 'filter', vip_presence_get_site_key_info()['source'] );

		add_filter( 'vip_presence_site_key', '__return_empty_string', 20 );
		$this->assertSame( '', vip_presence_get_site_key() );
		$this->assertSame( array(), vip_presence_get_site_key_problems() );
	}

	public function test_ignores_a_filter_that_returns_a_malformed_key_and_says_so() {
		add_filter(
			'vip_presence_site_key',
			static function () {
				return 'not a key';
			}
		);
		$this->assertSame( self::expected_default_key(), vip_presence_get_site_key() );
		$info = vip_presence_get_site_key_info();
		$this->assertSame( 'home_url', $info['source'] );
		$this->assertSame( 'filter', $info['ignored'] );
		$problems = vip_presence_get_site_key_problems();
		$this->assertSame( array( 'vip_presence_invalid_site_key_filter' ), array_column( $problems, 'code' ) );
		$this->assertStringContainsString( 'vip_presence_site_key', $problems[0]['message'] );
	}

	public function test_shows_the_derived_key_and_where_it_comes_from_on_the_settings_screen() {
		$html = $this->render( 'vip_presence_render_site_key_field' );
		$key  = self::expected_default_key();
		$this->assertSame( $key, $this->first_element( $html )->textContent );
		$this->assertStringContainsString( 'data-vip-presence-site-key="' . $key . '"', $html );
		$this->assertStringContainsString( '<code>?site=' . $key . '</code>', $html );
		$this->assertStringContainsString( 'data-vip-presence-site-key-source="home_url"', $html );
		$this->assertStringContainsString( 'home URL, <code>http://example.org</code>', $html );
		$this->assertStringContainsString( '<code>VIP_PRESENCE_SITE_KEY</code>', $html );
		$this->assertStringNotContainsString( '<input', $html, 'read-only: nothing to submit' );
		$this->assertSame( '', $this->render( 'vip_presence_render_site_key_notices' ) );
	}

	public function test_the_settings_screen_lists_the_site_key_in_the_presence_server_section() {
		$this->log_in_as( 'administrator' );
		vip_presence_add_settings_fields();
		$fields = $GLOBALS['wp_settings_fields']['vip-presence']['vip_presence_connection'];
		$this->assertArrayHasKey( 'vip_presence_site_key', $fields );
		$this->assertSame( 'vip_presence_render_site_key_field', $fields['vip_presence_site_key']['callback'] );
	}

	/**
	 * Runs the plugin's test of Tools > Site Health, found among WordPress's own tests.
	 *
	 * @return array<string, mixed> The test's result.
	 */
	private function site_health_result() {
		require_once ABSPATH . 'wp-admin/includes/class-wp-site-health.php';
		$tests = WP_Site_Health::get_tests();
		$this->assertArrayHasKey( 'vip_presence_site_key', $tests['direct'] );
		$this->assertArrayHasKey( 'dotorg_communication', $tests['async'], "WordPress's own tests are there too" );
		$result = call_user_func( $tests['direct']['vip_presence_site_key']['test'] );
		$this->assertSame( 'vip_presence_site_key', $result['test'] );
		return $result;
	}

	public function test_site_health_reports_the_key_in_effect() {
		$result = $this->site_health_result();
		$this->assertSame( 'good', $result['status'] );
		$this->assertStringContainsString( self::expected_default_key(), $result['label'] );
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_lets_the_constant_set_the_key_over_the_filter() {
		define( 'VIP_PRESENCE_SITE_KEY', 'newsroom_1' );
		add_filter(
			'vip_presence_site_key',
			static function () {
				return 'from-the-filter';
			}
		);
		$this->assertSame( 'newsroom_1', vip_presence_get_site_key() );
		$this->assertSame( 'constant', vip_presence_get_site_key_info()['source'] );
		$this->assertSame( $this->network_warning(), array_column( vip_presence_get_site_key_problems(), 'code' ) );
		$html = $this->render( 'vip_presence_render_site_key_field' );
		$this->assertStringContainsString( 'data-vip-presence-site-key="newsroom_1"', $html );
		$this->assertStringContainsString( 'data-vip-presence-site-key-source="constant"', $html );
		$this->assertStringContainsString( '<code>VIP_PRESENCE_SITE_KEY</code> constant in <code>wp-config.php</code>', $html );

		$this->configure();
		$this->assertStringStartsWith( 'v2.newsroom_1.42.', vip_presence_get_token( 42 ) );
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_an_empty_constant_makes_this_the_default_site_with_v1_tokens_and_no_site_sent() {
		define( 'VIP_PRESENCE_SITE_KEY', '' );
		$this->assertSame( '', vip_presence_get_site_key() );
		$this->assertSame( 'constant', vip_presence_get_site_key_info()['source'] );
		$this->assertSame( $this->network_warning(), array_column( vip_presence_get_site_key_problems(), 'code' ) );

		$this->connect_to_presence_server( 'correct horse battery staple' );
		$this->assertMatchesRegularExpression( '/^v1\.42\.[1-9][0-9]*\.[A-Za-z0-9_-]{43}$/', vip_presence_get_token( 42 ) );
		$settings = vip_presence_get_client_settings( array( 42 ) );
		$this->assertArrayNotHasKey( 'site', $settings, 'the SDK sends no auth.site' );
		$this->assertSame( vip_presence_get_token( 42 ), $settings['tokens']->{'42'} );

		self::presence_server()->answer( 200, '{"posts":[]}' );
		self::presence_server()->answer( 200, '{"counts":{}}' );
		vip_presence_get_top_posts( 10 );
		vip_presence_get_live_counts( array( 1, 2 ) );
		$this->assertSame( array( '/api/v1/top?limit=10', '/api/v1/counts?postIds=1,2' ), array_column( self::presence_server()->requests(), 'uri' ) );

		$html = $this->render( 'vip_presence_render_site_key_field' );
		$this->assertStringContainsString( 'data-vip-presence-site-key=""', $html );
		$this->assertStringContainsString( 'default site', $html );
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_does_not_use_a_malformed_constant_and_says_so_on_the_settings_screen() {
		define( 'VIP_PRESENCE_SITE_KEY', 'news.example.com' );
		$this->assertSame( self::expected_default_key(), vip_presence_get_site_key(), 'the derived key instead' );
		$info = vip_presence_get_site_key_info();
		$this->assertSame( 'home_url', $info['source'] );
		$this->assertSame( 'constant', $info['ignored'] );

		$this->configure();
		$this->assertStringStartsWith( 'v2.' . self::expected_default_key() . '.42.', vip_presence_get_token( 42 ), 'never a token for the malformed site' );

		$this->log_in_as( 'administrator' );
		vip_presence_add_settings_page();
		vip_presence_add_settings_fields();
		$GLOBALS['pagenow']     = 'options-general.php'; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- the screen being opened.
		$GLOBALS['plugin_page'] = 'vip-presence';
		$page                   = $this->render( 'vip_presence_render_settings_page' );
		$notice                 = $this->parse_html( $page )->getElementById( 'vip-presence-connection-status' )->nextSibling;
		while ( ! $notice instanceof DOMElement ) {
			$notice = $notice->nextSibling;
		}
		$this->assertSame( 'vip_presence_invalid_site_key_constant', $notice->getAttribute( 'data-vip-presence-notice' ) );
		$this->assertStringContainsString( 'notice-error', $notice->getAttribute( 'class' ) );
		$this->assertStringContainsString( 'VIP_PRESENCE_SITE_KEY', $notice->textContent, 'names the constant' );
		$this->assertStringContainsString( '1 to 64 characters', $notice->textContent, 'says the rule' );
		$this->assertStringContainsString( self::expected_default_key(), $notice->textContent, 'and the key used instead' );
		$this->assertStringContainsString( 'data-vip-presence-site-key="' . self::expected_default_key() . '"', $page );

		$health = $this->site_health_result();
		$this->assertSame( 'critical', $health['status'], 'Site Health shows it too' );
		$this->assertStringContainsString( 'VIP_PRESENCE_SITE_KEY', $health['description'] );
		$this->assertStringContainsString( 'options-general.php?page=vip-presence', $health['actions'] );
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_does_not_use_a_constant_that_is_not_a_string() {
		define( 'VIP_PRESENCE_SITE_KEY', 42 );
		$this->assertSame( self::expected_default_key(), vip_presence_get_site_key() );
		$this->assertSame( array( 'vip_presence_invalid_site_key_constant' ), array_column( vip_presence_get_site_key_problems(), 'code' ) );
	}
}
