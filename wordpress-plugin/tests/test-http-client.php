<?php
/**
 * The read API client, over real HTTP to the local presence server.
 *
 * @package vip-presence
 */

/**
 * Tests of includes/http-client.php.
 */
class VIP_Presence_Http_Client_Test extends VIP_Presence_Test_Case {

	public function test_reads_the_top_posts_and_skips_malformed_entries() {
		$this->assertSame(
			array(
				array(
					'post_id' => 123,
					'count'   => 4,
				),
				array(
					'post_id' => 7,
					'count'   => 0,
				),
			),
			vip_presence_parse_top_posts(
				array(
					'posts' => array(
						array(
							'postId' => 123,
							'count'  => 4,
						),
						array(
							'postId' => 0,
							'count'  => 4,
						),
						array(
							'postId' => '5',
							'count'  => 4,
						),
						array(
							'postId' => 6,
							'count'  => -1,
						),
						array( 'postId' => 8 ),
						'junk',
						array(
							'postId' => 7,
							'count'  => 0,
						),
					),
				)
			)
		);
		$this->assertNull( vip_presence_parse_top_posts( array( 'top' => array() ) ) );
		$this->assertNull( vip_presence_parse_top_posts( 'posts' ) );
	}

	public function test_reads_counts_keyed_by_post_id() {
		$data = json_decode( '{ "counts": { "1": 3, "2": 0, "x": 5, "3": -1, "4": "2", "0": 1 } }', true );
		$this->assertSame(
			array(
				1 => 3,
				2 => 0,
			),
			vip_presence_parse_counts( $data )
		);
		$this->assertNull( vip_presence_parse_counts( array() ) );
	}

	public function test_reads_peaks_and_views_of_the_top_posts_when_the_server_sends_them() {
		$data = json_decode( '{"posts":[{"postId":1,"count":3,"peak":9,"peakAt":1764300000999,"views":120},{"postId":2,"count":1},{"postId":3,"count":1,"peak":-1,"peakAt":null,"views":1}]}', true );
		$this->assertSame(
			array(
				array(
					'post_id' => 1,
					'count'   => 3,
					'peak'    => 9,
					'peak_at' => 1764300000,
					'views'   => 120,
				),
				array(
					'post_id' => 2,
					'count'   => 1,
				),
				array(
					'post_id' => 3,
					'count'   => 1,
				),
			),
			vip_presence_parse_top_posts( $data ),
			'a server before 0.2 sends no peak; a malformed one is left out'
		);
	}

	public function test_reads_the_stats_of_posts_keyed_by_post_id() {
		$data = json_decode(
			'{"counts":{"1":3,"2":0},"stats":{"1":{"count":3,"peak":9,"peakAt":1764300000123,"views":120},"2":{"count":0,"peak":0,"peakAt":null,"views":0},'
			. '"3":{"count":1,"peak":"9","peakAt":null,"views":1},"4":{"count":1,"peak":2,"views":1},"x":{"count":1,"peak":1,"peakAt":1,"views":1},"5":[]}}',
			true
		);
		$this->assertSame(
			array(
				1 => array(
					'count'   => 3,
					'peak'    => 9,
					'peak_at' => 1764300000,
					'views'   => 120,
				),
				2 => array(
					'count'   => 0,
					'peak'    => 0,
					'peak_at' => null,
					'views'   => 0,
				),
			),
			vip_presence_parse_post_stats( $data )
		);
		$this->assertNull( vip_presence_parse_post_stats( array( 'counts' => array( '1' => 3 ) ) ), 'a server before 0.2' );
	}

	public function test_asks_for_the_stats_of_this_site_in_one_cached_request() {
		$this->connect_to_presence_server();
		$site = vip_presence_get_site_key();
		self::presence_server()->answer( 200, '{"counts":{"5":2,"6":0},"stats":{"5":{"count":2,"peak":4,"peakAt":1764300000000,"views":8},"6":{"count":0,"peak":0,"peakAt":null,"views":0}}}' );
		$stats = vip_presence_get_post_stats( array( 6, 5, 6 ) );
		$this->assertSame( 4, $stats[5]['peak'] );
		$this->assertSame( $stats, vip_presence_get_post_stats( array( 5, 6 ) ) );
		$this->assertSame( array( '/api/v1/counts?postIds=5,6&site=' . $site ), array_column( self::presence_server()->requests(), 'uri' ) );
	}

	public function test_asks_for_the_top_posts_with_the_secret_as_bearer_token_and_a_short_timeout() {
		$this->connect_to_presence_server( 'the-shared-secret-value' );
		self::presence_server()->answer( 200, '{"posts":[{"postId":123,"count":4}]}' );

		$this->assertSame(
			array(
				array(
					'post_id' => 123,
					'count'   => 4,
				),
			),
			vip_presence_get_top_posts( 10 )
		);
		$requests = self::presence_server()->requests();
		$this->assertCount( 1, $requests );
		$this->assertSame( 'GET', $requests[0]['method'] );
		$this->assertSame( '/api/v1/top?limit=10&site=' . vip_presence_get_site_key(), $requests[0]['uri'] );
		$this->assertSame( 'Bearer the-shared-secret-value', $requests[0]['headers']['authorization'] );
		$this->assertSame( 'application/json', $requests[0]['headers']['accept'] );
		$args = $this->http_requests()[0]['args'];
		$this->assertLessThanOrEqual( 3, $args['timeout'] );
		$this->assertSame( 0, $args['redirection'], 'a redirect would carry the secret elsewhere' );
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_sends_the_read_token_and_never_the_secret_when_wp_config_sets_one() {
		define( 'VIP_PRESENCE_READ_TOKEN', 'a-token-that-only-reads-counts' );
		$this->connect_to_presence_server( 'the-shared-secret-value' );
		self::presence_server()->answer( 200, '{"posts":[]}' );

		$this->assertSame( array(), vip_presence_get_top_posts( 5 ) );
		$requests = self::presence_server()->requests();
		$this->assertCount( 1, $requests );
		$this->assertSame( 'Bearer a-token-that-only-reads-counts', $requests[0]['headers']['authorization'] );
		$this->assertStringNotContainsString( 'the-shared-secret-value', wp_json_encode( $requests[0] ) );
	}

	public function test_caches_answers_for_fifteen_seconds() {
		$this->connect_to_presence_server();
		self::presence_server()->answer( 200, '{"posts":[]}' );
		$this->assertSame( array(), vip_presence_get_top_posts( 10 ) );
		$this->assertSame( array(), vip_presence_get_top_posts( 10 ) );
		$this->assertCount( 1, self::presence_server()->requests() );
		$transient = vip_presence_api_transient_name( 'top', '10', vip_presence_get_site_key() );
		$this->assertEqualsWithDelta( time() + 15, (int) get_option( '_transient_timeout_' . $transient ), 1 );
	}

	public function test_asks_for_the_counts_of_this_site_only() {
		$this->connect_to_presence_server();
		$site = vip_presence_derive_site_key( 'http://' . VIP_Presence_Test_Site::DOMAIN );
		self::presence_server()->answer( 200, '{"posts":[{"postId":5,"count":2}]}' );
		self::presence_server()->answer( 200, '{"counts":{"5":2}}' );
		vip_presence_get_top_posts( 3 );
		vip_presence_get_live_counts( array( 5 ) );
		$this->assertSame(
			array( '/api/v1/top?limit=3&site=' . $site, '/api/v1/counts?postIds=5&site=' . $site ),
			array_column( self::presence_server()->requests(), 'uri' )
		);
	}

	public function test_sends_no_site_for_the_default_site() {
		$this->connect_to_presence_server();
		add_filter( 'vip_presence_site_key', '__return_empty_string' );
		self::presence_server()->answer( 200, '{"posts":[]}' );
		self::presence_server()->answer( 200, '{"counts":{}}' );
		vip_presence_get_top_posts( 3 );
		vip_presence_get_live_counts( array( 5 ) );
		$this->assertSame( array( '/api/v1/top?limit=3', '/api/v1/counts?postIds=5' ), array_column( self::presence_server()->requests(), 'uri' ) );
	}

	public function test_never_serves_one_site_the_cached_answers_of_another() {
		$this->connect_to_presence_server();
		$site = 'site-a';
		add_filter(
			'vip_presence_site_key',
			static function () use ( &$site ) {
				return $site;
			}
		);
		self::presence_server()->answer( 200, '{"posts":[{"postId":1,"count":7}]}' );
		self::presence_server()->answer( 200, '{"counts":{"1":7}}' );
		$this->assertSame(
			array(
				array(
					'post_id' => 1,
					'count'   => 7,
				),
			),
			vip_presence_get_top_posts( 10 )
		);
		$this->assertSame( array( 1 => 7 ), vip_presence_get_live_counts( array( 1 ) ) );

		$site = 'site-b'; // Another key (the constant changed, or another site sharing the object cache).
		self::presence_server()->answer( 200, '{"posts":[]}' );
		self::presence_server()->answer( 200, '{"counts":{"1":0}}' );
		$this->assertSame( array(), vip_presence_get_top_posts( 10 ) );
		$this->assertSame( array( 1 => 0 ), vip_presence_get_live_counts( array( 1 ) ) );

		$site = 'site-a';
		$this->assertSame(
			array(
				array(
					'post_id' => 1,
					'count'   => 7,
				),
			),
			vip_presence_get_top_posts( 10 ),
			'still cached for site-a'
		);
		$this->assertSame(
			array( '/api/v1/top?limit=10&site=site-a', '/api/v1/counts?postIds=1&site=site-a', '/api/v1/top?limit=10&site=site-b', '/api/v1/counts?postIds=1&site=site-b' ),
			array_column( self::presence_server()->requests(), 'uri' )
		);
	}

	public function test_caches_a_failure_too_so_a_dead_server_costs_one_request_per_period() {
		$this->configure( self::SECRET, VIP_Presence_Test_Server::unreachable_url() );
		$first = vip_presence_get_top_posts( 10 );
		$this->assertInstanceOf( WP_Error::class, $first );
		$this->assertSame( 'vip_presence_unreachable', $first->get_error_code() );
		$again = vip_presence_get_top_posts( 10 );
		$this->assertSame( 'vip_presence_unreachable', $again->get_error_code() );
		$this->assertCount( 1, $this->http_requests() );
	}

	/**
	 * @return array<string, array{0: int, 1: string, 2: string}>
	 */
	public function failed_answers() {
		return array(
			'refused secret' => array( 401, '{}', 'vip_presence_unauthorized' ),
			'forbidden'      => array( 403, '{}', 'vip_presence_unauthorized' ),
			'server error'   => array( 503, '{}', 'vip_presence_http_error' ),
			'not json'       => array( 200, '<html>', 'vip_presence_bad_response' ),
			'other shape'    => array( 200, '{"top":[]}', 'vip_presence_bad_response' ),
		);
	}

	/**
	 * @dataProvider failed_answers
	 *
	 * @param int    $status HTTP status.
	 * @param string $body   Body.
	 * @param string $code   Expected error code.
	 */
	public function test_turns_failed_answers_into_errors( $status, $body, $code ) {
		$this->connect_to_presence_server();
		self::presence_server()->answer( $status, $body );
		$result = vip_presence_get_top_posts( 10 );
		$this->assertInstanceOf( WP_Error::class, $result );
		$this->assertSame( $code, $result->get_error_code() );
		$this->assertCount( 1, self::presence_server()->requests() );
	}

	public function test_asks_nothing_while_unconfigured() {
		$result = vip_presence_get_top_posts();
		$this->assertSame( 'vip_presence_not_configured', $result->get_error_code() );
		$this->assertSame( array(), $this->http_requests() );
		$this->assertSame( array(), self::presence_server()->requests() );
	}

	public function test_asks_for_the_counts_of_many_posts_in_one_request() {
		$this->connect_to_presence_server();
		self::presence_server()->answer( 200, '{"counts":{"1":3,"2":0,"3":1}}' );
		$this->assertSame(
			array(
				1 => 3,
				2 => 0,
				3 => 1,
			),
			vip_presence_get_live_counts( array( 3, 1, 2, 2, 0, -4 ) )
		);
		$requests = self::presence_server()->requests();
		$this->assertCount( 1, $requests );
		$this->assertSame( '/api/v1/counts?postIds=1,2,3&site=' . vip_presence_get_site_key(), $requests[0]['uri'] );
	}

	public function test_asks_the_api_url_a_filter_gives() {
		$this->configure();
		$internal = self::presence_server()->url();
		add_filter(
			'vip_presence_api_url',
			function () use ( $internal ) {
				return $internal . '/';
			}
		);
		self::presence_server()->answer( 200, '{"posts":[]}' );
		$this->assertSame( array(), vip_presence_get_top_posts( 5 ) );
		$this->assertSame( '/api/v1/top?limit=5&site=' . vip_presence_get_site_key(), self::presence_server()->requests()[0]['uri'] );
		$this->assertSame( self::SERVER_URL, vip_presence_get_client_settings( array() )['url'], 'browsers keep the public URL' );
	}

	public function test_reads_the_api_at_the_api_url() {
		$this->connect_to_presence_server();
		// The same local server under another name, so that the requests tell which URL they went to.
		$api = str_replace( '//127.0.0.1:', '//localhost:', self::presence_server()->url() );
		update_option( 'vip_presence_api_url', $api );
		self::presence_server()->answer( 200, '{"posts":[{"postId":5,"count":2}]}' );
		$this->assertSame( 2, vip_presence_get_top_posts( 5 )[0]['count'] );
		$this->assertSame( array( $api . '/api/v1/top?limit=5&site=' . vip_presence_get_site_key() ), array_column( $this->http_requests(), 'url' ) );
		$this->assertSame( 'Bearer ' . self::SECRET, self::presence_server()->requests()[0]['headers']['authorization'] );
	}
}
