<?php
/**
 * The server API client, the connection check and the dashboard widget list.
 *
 * @package vip-presence
 */

/**
 * Tests of includes/http-client.php and includes/dashboard-widget.php.
 */
class VIP_Presence_Http_Client_Test extends VIP_Presence_Test_Case {

	public function test_reads_the_top_posts_and_skips_malformed_entries() {
		$this->assertSame(
			array(
				array( 'post_id' => 123, 'count' => 4 ),
				array( 'post_id' => 7, 'count' => 0 ),
			),
			vip_presence_parse_top_posts(
				array(
					'posts' => array(
						array( 'postId' => 123, 'count' => 4 ),
						array( 'postId' => 0, 'count' => 4 ),
						array( 'postId' => '5', 'count' => 4 ),
						array( 'postId' => 6, 'count' => -1 ),
						array( 'postId' => 8 ),
						'junk',
						array( 'postId' => 7, 'count' => 0 ),
					),
				)
			)
		);
		$this->assertNull( vip_presence_parse_top_posts( array( 'top' => array() ) ) );
		$this->assertNull( vip_presence_parse_top_posts( 'posts' ) );
	}

	public function test_reads_counts_keyed_by_post_id() {
		$data = json_decode( '{ "counts": { "1": 3, "2": 0, "x": 5, "3": -1, "4": "2", "0": 1 } }', true );
		$this->assertSame( array( 1 => 3, 2 => 0 ), vip_presence_parse_counts( $data ) );
		$this->assertNull( vip_presence_parse_counts( array() ) );
	}

	public function test_asks_for_the_top_posts_with_the_secret_as_bearer_token_and_a_short_timeout() {
		$this->configure( 'the-shared-secret-value' );
		$this->queue_http_response( 200, '{"posts":[{"postId":123,"count":4}]}' );

		$this->assertSame( array( array( 'post_id' => 123, 'count' => 4 ) ), vip_presence_get_top_posts( 10 ) );
		$request = $this->http_requests()[0];
		$this->assertSame( 'https://presence.example.com/api/v1/top?limit=10', $request['url'] );
		$this->assertSame( 'Bearer the-shared-secret-value', $request['args']['headers']['Authorization'] );
		$this->assertLessThanOrEqual( 3, $request['args']['timeout'] );
	}

	public function test_caches_answers_for_fifteen_seconds() {
		$this->configure();
		$this->queue_http_response( 200, '{"posts":[]}' );
		$this->assertSame( array(), vip_presence_get_top_posts( 10 ) );
		$this->assertSame( array(), vip_presence_get_top_posts( 10 ) );
		$this->assertCount( 1, $this->http_requests() );
		$this->assertSame( 15, $GLOBALS['vip_presence_stubs']['transients']['vip_presence_top_10']['expiration'] );
	}

	public function test_caches_a_failure_too_so_a_dead_server_costs_one_request_per_period() {
		$this->configure();
		$this->queue_http_response( new WP_Error( 'http_request_failed', 'Connection refused' ) );
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
		$this->configure();
		$this->queue_http_response( $status, $body );
		$result = vip_presence_get_top_posts( 10 );
		$this->assertInstanceOf( WP_Error::class, $result );
		$this->assertSame( $code, $result->get_error_code() );
	}

	public function test_asks_nothing_while_unconfigured() {
		$result = vip_presence_get_top_posts();
		$this->assertSame( 'vip_presence_not_configured', $result->get_error_code() );
		$this->assertSame( array(), $this->http_requests() );
		$this->assertSame( 'unconfigured', vip_presence_check_connection()['status'] );
	}

	public function test_asks_for_the_counts_of_many_posts_in_one_request() {
		$this->configure();
		$this->queue_http_response( 200, '{"counts":{"1":3,"2":0,"3":1}}' );
		$this->assertSame( array( 1 => 3, 2 => 0, 3 => 1 ), vip_presence_get_live_counts( array( 3, 1, 2, 2, 0, -4 ) ) );
		$this->assertSame( 'https://presence.example.com/api/v1/counts?postIds=1,2,3', $this->http_requests()[0]['url'] );
	}

	public function test_reports_a_ready_server() {
		$this->configure();
		$this->queue_http_response( 200, 'ok' );
		$this->queue_http_response( 200, '{"posts":[]}' );
		$check = vip_presence_check_connection();
		$this->assertSame( 'ok', $check['status'] );
		$this->assertStringContainsString( 'https://presence.example.com', $check['message'] );
		$this->assertSame( 'https://presence.example.com/readyz', $this->http_requests()[0]['url'] );
		$this->assertArrayNotHasKey( 'headers', $this->http_requests()[0]['args'], '/readyz needs no secret' );
	}

	public function test_reports_a_server_that_is_down_or_not_ready() {
		$this->configure();
		$this->queue_http_response( new WP_Error( 'http_request_failed', 'cURL error 7' ) );
		$down = vip_presence_check_connection();
		$this->assertSame( 'error', $down['status'] );
		$this->assertStringContainsString( 'cURL error 7', $down['message'] );

		$this->queue_http_response( 503, '' );
		$this->assertStringContainsString( '503', vip_presence_check_connection()['message'] );
	}

	public function test_warns_when_the_server_refuses_the_secret() {
		$this->configure();
		$this->queue_http_response( 200, 'ok' );
		$this->queue_http_response( 401, '' );
		$check = vip_presence_check_connection();
		$this->assertSame( 'warning', $check['status'] );
		$this->assertStringContainsString( 'PRESENCE_SECRET', $check['message'] );
	}

	public function test_lists_the_top_posts_with_escaped_linked_titles() {
		$this->add_post( 123, array( 'post_title' => 'Breaking <news> & "more"' ) );
		$this->add_post( 124, array( 'post_title' => '' ) );
		$items = vip_presence_get_top_posts_items(
			array(
				array( 'post_id' => 123, 'count' => 1 ),
				array( 'post_id' => 999, 'count' => 5 ),
				array( 'post_id' => 124, 'count' => 1234 ),
			)
		);
		$this->assertCount( 2, $items, 'posts that no longer exist are left out' );
		$this->assertSame(
			'<ol class="vip-presence-top-posts">'
			. '<li><a href="https://example.com/?p=123">Breaking &lt;news&gt; &amp; &quot;more&quot;</a> <span class="vip-presence-top-posts-count">1 person reading</span></li>'
			. '<li><a href="https://example.com/?p=124">(no title)</a> <span class="vip-presence-top-posts-count">1,234 people reading</span></li>'
			. '</ol>',
			vip_presence_top_posts_markup( $items )
		);
	}

	public function test_says_so_calmly_when_nobody_reads() {
		$this->assertStringContainsString( 'Nobody is reading', vip_presence_top_posts_markup( array() ) );
	}
}
