<?php
/**
 * GET /vip-presence/v1/posts/<id>/readers: a post's readers over 24 hours for the editor's chart,
 * answered from the read API by WordPress, for users who can edit that post.
 *
 * @package vip-presence
 */

/**
 * Tests of includes/rest-post-readers.php.
 */
class VIP_Presence_Rest_Post_Readers_Test extends VIP_Presence_Test_Case {

	/**
	 * Asks the route, in this process, as the current user.
	 *
	 * @param int $post_id Post id.
	 * @return WP_REST_Response
	 */
	private function ask( $post_id ) {
		return rest_do_request( new WP_REST_Request( 'GET', '/vip-presence/v1/posts/' . $post_id . '/readers' ) );
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

	public function test_answers_the_posts_last_24_hours_to_its_editor_without_the_credential() {
		$this->log_in_as( 'editor' );
		$this->connect_to_presence_server();
		$post_id = $this->create_post();
		self::presence_server()->answer(
			200,
			'{"counts":{"' . $post_id . '":3},"stats":{"' . $post_id . '":{"count":3,"peak":9,"peakAt":1764489600123,"views":120,"series":{"from":1764403260000,"bucketMs":60000,"max":[null,0,9,3],"mean":[null,0,6.5,3]}}}}'
		);
		$response = $this->ask( $post_id );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( 'no-store', $response->get_headers()['Cache-Control'] );
		$this->assertSame(
			array(
				'postId' => $post_id,
				'count'  => 3,
				'peak'   => 9,
				'peakAt' => 1764489600,
				'views'  => 120,
				'series' => array(
					'from'     => 1764403260000,
					'bucketMs' => 60000,
					'max'      => array( null, 0, 9, 3 ),
					'mean'     => array( null, 0, 6.5, 3 ),
				),
			),
			$this->body( $response )
		);
		$request = self::presence_server()->requests()[0];
		$this->assertSame( '/api/v1/counts?postIds=' . $post_id . '&series=1440&site=' . vip_presence_get_site_key(), $request['uri'] );
		$this->assertSame( 'Bearer ' . self::SECRET, $request['headers']['authorization'] );
		$this->assertStringNotContainsString( self::SECRET, (string) wp_json_encode( $this->body( $response ) ) );
	}

	public function test_answers_only_users_who_can_edit_the_post() {
		$this->connect_to_presence_server();
		$post_id = $this->create_post();
		$this->assertSame( 401, $this->ask( $post_id )->get_status(), 'logged out' );
		$this->log_in_as( 'contributor' );
		$this->assertSame( 403, $this->ask( $post_id )->get_status(), 'someone else\'s post' );
		$this->log_in_as( 'subscriber' );
		$this->assertSame( 403, $this->ask( $post_id )->get_status() );
		$this->assertSame( array(), self::presence_server()->requests(), 'the server is never asked for them' );
	}

	public function test_says_the_post_does_not_exist() {
		$this->log_in_as( 'editor' );
		$this->connect_to_presence_server();
		$this->assertSame( 404, $this->ask( 999999 )->get_status() );
	}

	public function test_says_the_server_keeps_no_series() {
		$this->log_in_as( 'editor' );
		$this->connect_to_presence_server();
		$post_id = $this->create_post();
		self::presence_server()->answer( 400, '{"error":"series_off"}' );
		$response = $this->ask( $post_id );
		$this->assertSame( 503, $response->get_status() );
		$this->assertSame( 'vip_presence_series_off', $this->body( $response )['code'] );
	}

	public function test_says_the_server_is_not_answering_and_tells_only_administrators_why() {
		$this->configure( self::SECRET, VIP_Presence_Test_Server::unreachable_url() );
		$post_id = $this->create_post();
		$this->log_in_as( 'editor' );
		$response = $this->ask( $post_id );
		$this->assertSame( 503, $response->get_status() );
		$this->assertSame( 'vip_presence_unavailable', $this->body( $response )['code'] );
		$this->assertStringNotContainsString( 'could not be reached', $this->body( $response )['message'] );
	}
}
