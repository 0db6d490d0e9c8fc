<?php
/**
 * Tools > Site Health: the tests of the presence server, asynchronous (a REST route each, as the
 * Site Health screen of WordPress 6.1 to 6.7 asks them), over real HTTP to the local presence server.
 *
 * @package vip-presence
 */

require_once ABSPATH . 'wp-admin/includes/class-wp-site-health.php';

/**
 * Tests of includes/site-health.php (the site key's test is in test-site-key.php).
 */
class VIP_Presence_Site_Health_Test extends VIP_Presence_Test_Case {

	/**
	 * The test ids, in the order they are added.
	 */
	const TESTS = array( 'vip_presence_server', 'vip_presence_server_version', 'vip_presence_origin', 'vip_presence_read_api' );

	/**
	 * Logs in a user who may view Site Health: an administrator (of the network, on a network).
	 */
	private function log_in_as_site_health_viewer() {
		$user_id = $this->log_in_as( 'administrator' );
		if ( is_multisite() ) {
			grant_super_admin( $user_id );
		}
		$this->assertTrue( current_user_can( 'view_site_health_checks' ) );
	}

	/**
	 * Asks a test's REST route as the Site Health screen does (wp.apiRequest, with `_locale=user`).
	 *
	 * @param string $url The test's `test` URL.
	 * @return array{status: int, data: array<string, mixed>}
	 */
	private function ask( $url ) {
		$path    = substr( $url, strlen( rest_url() ) - 1 );
		$request = new WP_REST_Request( 'GET', $path );
		$request->set_query_params( array( '_locale' => 'user' ) );
		$response = rest_do_request( $request );
		return array(
			'status' => $response->get_status(),
			'data'   => (array) rest_get_server()->response_to_data( $response, false ),
		);
	}

	public function test_adds_asynchronous_tests_that_run_through_rest_or_directly() {
		$this->connect_to_presence_server();
		$tests = WP_Site_Health::get_tests();
		$this->assertArrayHasKey( 'vip_presence_site_key', $tests['direct'] );
		$ours = array_intersect_key( $tests['async'], array_flip( self::TESTS ) );
		$this->assertSame( self::TESTS, array_keys( $ours ) );
		foreach ( $ours as $id => $test ) {
			$this->assertTrue( $test['has_rest'], $id );
			$this->assertStringStartsWith( rest_url( 'vip-presence/v1/site-health/' ), $test['test'] );
			$this->assertTrue( is_callable( $test['async_direct_test'] ), $id . ' runs directly in the weekly check' );
			$this->assertNotSame( '', $test['label'] );
		}
		$this->assertSame( rest_url( 'vip-presence/v1/site-health/origin' ), $ours['vip_presence_origin']['test'] );
		$this->assertSame( array(), $this->http_requests(), 'listing the tests runs none' );
	}

	public function test_adds_only_the_server_test_while_unconfigured_and_it_says_so() {
		$this->log_in_as_site_health_viewer();
		$tests = WP_Site_Health::get_tests();
		$this->assertArrayHasKey( 'vip_presence_server', $tests['async'] );
		foreach ( array_slice( self::TESTS, 1 ) as $id ) {
			$this->assertArrayNotHasKey( $id, $tests['async'] );
		}
		$answer = $this->ask( $tests['async']['vip_presence_server']['test'] );
		$this->assertSame( 200, $answer['status'] );
		$this->assertSame( 'recommended', $answer['data']['status'] );
		$this->assertSame( 'VIP Presence has no presence server yet', $answer['data']['label'] );
		$this->assertSame( array(), $this->http_requests() );
	}

	public function test_answers_each_test_in_the_shape_site_health_shows() {
		$this->log_in_as_site_health_viewer();
		$this->connect_to_presence_server();
		$tests  = WP_Site_Health::get_tests()['async'];
		$server = self::presence_server();

		$server->answer( 200, '{"ready":true,"store":"redis"}' );
		$ready = $this->ask( $tests['vip_presence_server']['test'] );
		$this->assertSame( 200, $ready['status'] );
		$this->assertSame( array( 'label', 'status', 'badge', 'description', 'actions', 'test' ), array_keys( $ready['data'] ) );
		$this->assertSame( 'vip_presence_server', $ready['data']['test'] );
		$this->assertSame( 'good', $ready['data']['status'] );
		$this->assertSame(
			array(
				'label' => 'VIP Presence',
				'color' => 'blue',
			),
			$ready['data']['badge']
		);
		$this->assertStringStartsWith( '<p>The presence server at ' . $server->url() . ' answered /readyz in ', $ready['data']['description'] );
		$this->assertStringContainsString( 'options-general.php?page=vip-presence', $ready['data']['actions'] );

		$server->answer( 200, '{"status":"ok","version":"0.1.0"}' );
		$version = $this->ask( $tests['vip_presence_server_version']['test'] );
		$this->assertSame( 'critical', $version['data']['status'] );
		$this->assertSame( 'vip_presence_server_version', $version['data']['test'] );

		$server->answer( 200, '0{"sid":"rxe7QQ2Qn_BKwCSwAAAA","upgrades":["websocket"],"pingInterval":45000,"pingTimeout":10000,"maxPayload":16384}' );
		$server->answer( 200, 'ok' );
		$server->answer( 200, '44{"message":"this origin may not connect","data":{"code":"origin_not_allowed"}}' );
		$server->answer( 200, 'ok' );
		$origin = $this->ask( $tests['vip_presence_origin']['test'] );
		$this->assertSame( 'critical', $origin['data']['status'] );
		$this->assertSame( 'Browsers on this site cannot connect to the presence server', $origin['data']['label'] );
		$this->assertStringContainsString( '<p>Add http://example.org to the server&#039;s ALLOWED_ORIGINS', $origin['data']['description'] );
		$this->assertStringContainsString( '<p>What only a browser can tell:', $origin['data']['description'] );

		$server->answer( 401, '{"error":"unauthorized"}' );
		$read = $this->ask( $tests['vip_presence_read_api']['test'] );
		$this->assertSame( 'critical', $read['data']['status'] );
		$this->assertStringContainsString( 'READ_API_TOKEN', $read['data']['description'] );

		$this->assertSame(
			array( '/readyz', '/healthz', '/socket.io/?EIO=4&transport=polling' ),
			array_slice( array_column( $server->requests(), 'uri' ), 0, 3 ),
			'each route runs its own test only'
		);
		$this->assertCount( 7, $server->requests() );
	}

	public function test_escapes_what_the_server_says() {
		$this->log_in_as_site_health_viewer();
		$this->connect_to_presence_server();
		self::presence_server()->answer( 200, '0{"sid":"rxe7QQ2Qn_BKwCSwAAAA","upgrades":["websocket"],"pingInterval":45000,"pingTimeout":10000,"maxPayload":16384}' );
		self::presence_server()->answer( 200, 'ok' );
		self::presence_server()->answer( 200, '44{"message":"<img src=x onerror=alert(1)>","data":{"code":"invalid_site"}}' );
		self::presence_server()->answer( 200, 'ok' );
		$answer = $this->ask( rest_url( 'vip-presence/v1/site-health/origin' ) );
		$this->assertSame( 'critical', $answer['data']['status'] );
		$this->assertStringContainsString( '(invalid_site: &lt;img src=x onerror=alert(1)&gt;)', $answer['data']['description'] );
		$this->assertSame( 0, $this->count_elements( $answer['data']['description'], 'img' ) );
	}

	public function test_runs_a_test_directly_as_the_weekly_check_does_with_the_same_result() {
		$this->connect_to_presence_server();
		self::presence_server()->answer( 404, '{"error":"not_found"}' );
		$tests  = WP_Site_Health::get_tests()['async'];
		$direct = call_user_func( $tests['vip_presence_read_api']['async_direct_test'] );
		$this->assertSame( 'critical', $direct['status'] );
		$this->assertStringContainsString( 'VIP_PRESENCE_API_URL', $direct['description'] );

		$this->log_in_as_site_health_viewer();
		self::presence_server()->answer( 404, '{"error":"not_found"}' );
		$this->assertSame( $direct, $this->ask( $tests['vip_presence_read_api']['test'] )['data'] );
	}

	public function test_refuses_the_routes_to_users_who_may_not_view_site_health() {
		$this->connect_to_presence_server();
		$url = rest_url( 'vip-presence/v1/site-health/read-api' );
		$this->assertSame( 401, $this->ask( $url )['status'], 'logged out' );
		$this->log_in_as( 'editor' );
		$this->assertSame( 403, $this->ask( $url )['status'] );
		if ( is_multisite() ) {
			$this->log_in_as( 'administrator' );
			$this->assertSame( 403, $this->ask( $url )['status'], 'an administrator of one site of a network' );
		}
		$this->assertSame( array(), self::presence_server()->requests(), 'nothing asked of the server' );
	}

	public function test_lets_the_capability_of_a_test_be_changed_as_for_wordpress_tests() {
		$this->connect_to_presence_server();
		$this->log_in_as( 'editor' );
		add_filter(
			'site_health_test_rest_capability_vip_presence_read_api',
			function ( $capability, $check ) {
				$this->assertSame( array( 'view_site_health_checks', 'vip_presence_read_api' ), array( $capability, $check ) );
				return 'edit_posts';
			},
			10,
			2
		);
		self::presence_server()->answer( 200, '{"posts":[]}' );
		$this->assertSame( 200, $this->ask( rest_url( 'vip-presence/v1/site-health/read-api' ) )['status'] );
		$this->assertSame( 403, $this->ask( rest_url( 'vip-presence/v1/site-health/origin' ) )['status'] );
	}
}
