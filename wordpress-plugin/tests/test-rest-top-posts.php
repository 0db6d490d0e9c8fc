<?php
/**
 * GET /vip-presence/v1/top: the dashboard widget's list, asked again from the browser, answered from
 * the read API by WordPress, for users who can edit posts.
 *
 * @package vip-presence
 */

/**
 * Tests of includes/rest-top-posts.php.
 */
class VIP_Presence_Rest_Top_Posts_Test extends VIP_Presence_Test_Case {

	/**
	 * Asks the route, in this process, as the current user.
	 *
	 * @param array<string, mixed> $query Query parameters.
	 * @return WP_REST_Response
	 */
	private function ask( array $query = array() ) {
		$request = new WP_REST_Request( 'GET', '/vip-presence/v1/top' );
		$request->set_query_params( $query );
		return rest_do_request( $request );
	}

	/**
	 * Returns the JSON a response is sent as.
	 *
	 * @param WP_REST_Response $response Response.
	 * @return array<string, mixed>
	 */
	private function body( $response ) {
		return json_decode( (string) wp_json_encode( rest_get_server()->response_to_data( $response, false ) ), true );
	}

	public function test_lists_the_posts_read_now_with_plain_titles_peaks_and_views_for_editors() {
		$this->log_in_as( 'editor' );
		$this->connect_to_presence_server();
		$post_id = $this->create_post( array( 'post_title' => 'Breaking & "more"' ) );
		$draft   = $this->create_post( array( 'post_status' => 'draft' ) );
		self::presence_server()->answer(
			200,
			'{"posts":[{"postId":' . $post_id . ',"count":3,"peak":9,"peakAt":1764489600123,"views":120},{"postId":' . $draft . ',"count":1,"peak":1,"peakAt":1764489600123,"views":1},{"postId":999999,"count":1}]}'
		);
		$response = $this->ask( array( 'limit' => 5 ) );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( 'no-store', $response->get_headers()['Cache-Control'] );
		$this->assertSame(
			array(
				'posts' => array(
					array(
						'postId' => $post_id,
						'title'  => 'Breaking & “more”',
						'url'    => get_permalink( $post_id ),
						'count'  => 3,
						'peak'   => 9,
						'peakAt' => 1764489600,
						'views'  => 120,
					),
					array(
						'postId' => $draft,
						'title'  => get_the_title( $draft ),
						'url'    => get_permalink( $draft ),
						'count'  => 1,
						'peak'   => 1,
						'peakAt' => 1764489600,
						'views'  => 1,
					),
				),
			),
			$this->body( $response ),
			'a post that does not exist is left out; an editor may read drafts'
		);
		$requests = self::presence_server()->requests();
		$this->assertSame( '/api/v1/top?limit=5&site=' . vip_presence_get_site_key(), $requests[0]['uri'] );
		$this->assertSame( 'Bearer ' . self::SECRET, $requests[0]['headers']['authorization'], 'WordPress holds the credential' );
		$this->assertStringNotContainsString( self::SECRET, (string) wp_json_encode( $this->body( $response ) ) );
	}

	public function test_passes_on_each_posts_readers_over_the_last_hour_when_asked() {
		$this->log_in_as( 'editor' );
		$this->connect_to_presence_server();
		$post_id = $this->create_post();
		$other   = $this->create_post();
		self::presence_server()->answer(
			200,
			'{"posts":[{"postId":' . $post_id . ',"count":3,"peak":9,"peakAt":1764489600123,"views":120,"series":{"from":1764489480000,"bucketMs":60000,"max":[null,4,3],"mean":[null,2.5,3]}},'
			. '{"postId":' . $other . ',"count":1,"peak":1,"peakAt":1764489600123,"views":1,"series":{"from":"soon","bucketMs":60000,"max":[1],"mean":[1]}}]}'
		);
		$posts = $this->body( $this->ask( array( 'series' => 60 ) ) )['posts'];
		$this->assertSame(
			array(
				'from'     => 1764489480000,
				'bucketMs' => 60000,
				'max'      => array( null, 4, 3 ),
				'mean'     => array( null, 2.5, 3 ),
			),
			$posts[0]['series']
		);
		$this->assertNull( $posts[1]['series'], 'a malformed series is not passed on, the post still is' );
		$this->assertSame( '/api/v1/top?limit=10&series=60&site=' . vip_presence_get_site_key(), self::presence_server()->requests()[0]['uri'] );
	}

	public function test_lists_the_posts_without_their_lines_from_a_server_that_keeps_none() {
		$this->log_in_as( 'editor' );
		$this->connect_to_presence_server();
		$post_id = $this->create_post();
		self::presence_server()->answer( 400, '{"error":"series_off"}' );
		self::presence_server()->answer( 200, '{"posts":[{"postId":' . $post_id . ',"count":2,"peak":2,"peakAt":1764489600123,"views":5}]}' );
		$response = $this->ask( array( 'series' => 60 ) );
		$this->assertSame( 200, $response->get_status() );
		$posts = $this->body( $response )['posts'];
		$this->assertSame( 2, $posts[0]['count'] );
		$this->assertNull( $posts[0]['series'] );
		$this->assertSame( '/api/v1/top?limit=10&site=' . vip_presence_get_site_key(), self::presence_server()->requests()[1]['uri'] );
	}

	public function test_refuses_more_than_an_hour_of_series() {
		$this->log_in_as( 'editor' );
		$this->connect_to_presence_server();
		$this->assertSame( 400, $this->ask( array( 'series' => 61 ) )->get_status() );
		$this->assertSame( array(), self::presence_server()->requests() );
	}

	public function test_leaves_out_posts_the_user_may_not_read() {
		$this->connect_to_presence_server();
		$draft = $this->create_post( array( 'post_status' => 'draft' ) ); // Not the contributor's own.
		$this->log_in_as( 'contributor' );
		self::presence_server()->answer( 200, '{"posts":[{"postId":' . $draft . ',"count":1}]}' );
		$this->assertSame( array( 'posts' => array() ), $this->body( $this->ask() ) );
	}

	public function test_answers_only_users_who_can_edit_posts() {
		$this->connect_to_presence_server();
		$this->assertSame( 401, $this->ask()->get_status(), 'logged out' );
		$this->log_in_as( 'subscriber' );
		$this->assertSame( 403, $this->ask()->get_status() );
		$this->assertSame( array(), self::presence_server()->requests(), 'the server is never asked for them' );
	}

	public function test_refuses_a_limit_out_of_bounds() {
		$this->log_in_as( 'editor' );
		$this->connect_to_presence_server();
		$this->assertSame( 400, $this->ask( array( 'limit' => 0 ) )->get_status() );
		$this->assertSame( 400, $this->ask( array( 'limit' => 101 ) )->get_status() );
		$this->assertSame( array(), self::presence_server()->requests() );
	}

	public function test_says_the_server_is_not_answering_and_tells_only_administrators_why() {
		$this->configure( self::SECRET, VIP_Presence_Test_Server::unreachable_url() );
		$this->log_in_as( 'editor' );
		$response = $this->ask();
		$this->assertSame( 503, $response->get_status() );
		$this->assertSame( 'vip_presence_unavailable', $this->body( $response )['code'] );
		$this->assertStringNotContainsString( 'could not be reached', $this->body( $response )['message'] );
		$this->log_in_as( 'administrator' );
		$this->assertStringContainsString( 'could not be reached', $this->body( $this->ask() )['message'] );
	}

	public function test_says_so_while_unconfigured() {
		$this->log_in_as( 'editor' );
		$response = $this->ask();
		$this->assertSame( 503, $response->get_status() );
		$this->assertSame( 'vip_presence_not_configured', $this->body( $response )['code'] );
	}
}
