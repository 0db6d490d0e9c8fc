<?php
/**
 * The checks of the presence server made from WordPress's server (includes/server-checks.php), over
 * real HTTP to the local presence server, which answers as vip-presence-server does: the bodies
 * below are byte for byte what a vip-presence-server answered (ALLOWED_ORIGINS set, an allowed and a
 * refused Origin).
 *
 * @package vip-presence
 */

/**
 * Tests of includes/server-checks.php.
 */
class VIP_Presence_Server_Checks_Test extends VIP_Presence_Test_Case {

	/**
	 * Engine.IO's open packet, the answer to a new long-polling connection.
	 */
	const OPEN = '0{"sid":"rxe7QQ2Qn_BKwCSwAAAA","upgrades":["websocket"],"pingInterval":45000,"pingTimeout":10000,"maxPayload":16384}';

	/**
	 * Socket.IO's CONNECT packet: the handshake admitted the connection.
	 */
	const ADMITTED = '40{"sid":"MpA-QQ_qhm9JwvC0AAAA"}';

	/**
	 * Socket.IO's CONNECT_ERROR packet for an origin that is not allowed.
	 */
	const REFUSED_ORIGIN = '44{"message":"this origin may not connect","data":{"code":"origin_not_allowed"}}';

	/**
	 * Queues the four answers of a test connection: open, the CONNECT sent, the server's answer to it,
	 * the close sent.
	 *
	 * @param string $answer What the server answers the CONNECT with.
	 */
	private function queue_connection( $answer ) {
		self::presence_server()->answer( 200, self::OPEN );
		self::presence_server()->answer( 200, 'ok' );
		self::presence_server()->answer( 200, $answer );
		self::presence_server()->answer( 200, 'ok' );
	}

	/**
	 * Returns the paragraphs of a result as one string.
	 *
	 * @param array<string, mixed> $result A check's result.
	 * @return string
	 */
	private function text( array $result ) {
		return $result['label'] . "\n" . implode( "\n", $result['description'] );
	}

	public function test_reports_a_ready_server_asked_at_the_server_url_without_credential() {
		$this->connect_to_presence_server();
		update_option( 'vip_presence_api_url', 'http://127.0.0.1:1' );
		self::presence_server()->answer( 200, '{"ready":true,"store":"memory"}' );
		$result = vip_presence_check_server_ready();
		$this->assertSame( 'good', $result['status'] );
		$this->assertSame( 'vip_presence_server', $result['test'] );
		$this->assertStringContainsString( 'The presence server at ' . self::presence_server()->url() . ' answered /readyz in', $this->text( $result ) );
		$requests = self::presence_server()->requests();
		$this->assertSame( array( '/readyz' ), array_column( $requests, 'uri' ), 'at the server URL, not the read API URL' );
		$this->assertArrayNotHasKey( 'authorization', $requests[0]['headers'], '/readyz needs no credential' );
	}

	public function test_reports_a_server_that_is_not_ready_or_is_no_presence_server() {
		$this->connect_to_presence_server();
		self::presence_server()->answer( 503, '{"ready":false,"store":"redis"}' );
		$not_ready = vip_presence_check_server_ready();
		$this->assertSame( 'critical', $not_ready['status'] );
		$this->assertStringContainsString( 'Redis', $this->text( $not_ready ) );
		$this->assertStringContainsString( 'nobody is counted', $this->text( $not_ready ) );

		self::presence_server()->answer( 404, '<html>Not found</html>' );
		$elsewhere = vip_presence_check_server_ready();
		$this->assertSame( 'critical', $elsewhere['status'] );
		$this->assertStringContainsString( 'HTTP status 404', $this->text( $elsewhere ) );
	}

	public function test_reports_a_server_that_does_not_answer_and_asks_it_nothing_more() {
		$down = VIP_Presence_Test_Server::unreachable_url();
		$this->configure( self::SECRET, $down );
		$check = vip_presence_check_connection();
		$this->assertSame( 'error', $check['status'] );
		$this->assertSame( array( 'vip_presence_server' ), array_column( $check['checks'], 'test' ) );
		$this->assertSame( 'critical', $check['checks'][0]['status'] );
		$refused = $this->http_requests()[0]['response'];
		$this->assertInstanceOf( WP_Error::class, $refused );
		$this->assertStringContainsString( $down . '/readyz and got no answer: ' . $refused->get_error_message(), $this->text( $check['checks'][0] ) );
		$this->assertCount( 1, $this->http_requests(), 'no version, origin or read API asked of a server that is down' );
	}

	/**
	 * @return array<string, array{0: string, 1: string, 2: string, 3?: string}>
	 */
	public function healthz_answers() {
		return array(
			'the version needed'        => array( '{"status":"ok","version":"0.2.0"}', 'good', 'It runs version 0.2.0; this plugin needs 0.2.0 or later.' ),
			'a newer one'               => array( '{"status":"ok","version":"1.12.3"}', 'good', 'It runs version 1.12.3' ),
			'a build of a newer one'    => array( '{"status":"ok","version":"0.3.0-rc.1+linux"}', 'good', 'It runs version 0.3.0-rc.1+linux' ),
			'an older one'              => array( '{"status":"ok","version":"0.1.9"}', 'critical', 'the server refuses their view tokens, which name this site: nobody is counted' ),
			'an older one, by numbers'  => array( '{"status":"ok","version":"0.1.10"}', 'critical', 'It runs version 0.1.10; this plugin needs 0.2.0 or later.' ),
			'none (servers before 0.2)' => array( '{"status":"ok"}', 'recommended', 'Its /healthz has no version, as servers before 0.2.0.' ),
			'not a version'             => array( '{"status":"ok","version":"0.2.0<script>"}', 'recommended', 'Its /healthz has no version' ),
			'not JSON'                  => array( 'ok', 'recommended', 'Its /healthz has no version' ),
		);
	}

	/**
	 * @dataProvider healthz_answers
	 *
	 * @param string $body   What /healthz answers.
	 * @param string $status The check's status.
	 * @param string $says   What its text says.
	 */
	public function test_reads_the_server_version_from_healthz( $body, $status, $says ) {
		$this->connect_to_presence_server();
		self::presence_server()->answer( 200, $body );
		$result = vip_presence_check_server_version();
		$this->assertSame( $status, $result['status'] );
		$this->assertSame( 'vip_presence_server_version', $result['test'] );
		$this->assertStringContainsString( $says, $this->text( $result ) );
		$this->assertStringNotContainsString( '<script>', $this->text( $result ) );
		$this->assertSame( array( '/healthz' ), array_column( self::presence_server()->requests(), 'uri' ) );
	}

	public function test_counts_an_older_server_as_usable_for_the_default_site() {
		$this->connect_to_presence_server();
		add_filter( 'vip_presence_site_key', '__return_empty_string' );
		self::presence_server()->answer( 200, '{"status":"ok","version":"0.1.0"}' );
		$result = vip_presence_check_server_version();
		$this->assertSame( 'recommended', $result['status'], 'v1 tokens: readers are counted' );
		$this->assertStringContainsString( 'no peaks or views', $this->text( $result ) );

		self::presence_server()->answer( 500, '' );
		$this->assertSame( 'recommended', vip_presence_check_server_version()['status'], 'not known: not critical' );
	}

	public function test_connects_as_a_browser_of_this_site_would_and_closes_the_connection() {
		$this->connect_to_presence_server();
		$this->queue_connection( self::ADMITTED );
		$result = vip_presence_check_server_origins();
		$this->assertSame( 'good', $result['status'] );
		$this->assertSame( 'vip_presence_origin', $result['test'] );
		$this->assertStringContainsString( 'as a browser on pages of http://example.org does, and the presence server admitted it', $this->text( $result ) );

		$requests = self::presence_server()->requests();
		$session  = '/socket.io/?EIO=4&transport=polling&sid=rxe7QQ2Qn_BKwCSwAAAA';
		$this->assertSame( array( 'GET', 'POST', 'GET', 'POST' ), array_column( $requests, 'method' ) );
		$this->assertSame( array( '/socket.io/?EIO=4&transport=polling', $session, $session, $session ), array_column( $requests, 'uri' ) );
		foreach ( $requests as $request ) {
			$this->assertSame( 'http://example.org', $request['headers']['origin'], 'the Origin of the site\'s pages' );
			$this->assertArrayNotHasKey( 'authorization', $request['headers'], 'no credential: browsers have none' );
		}
		$this->assertSame( '40{"visitorId":"vip-presence-site-health","site":"' . vip_presence_get_site_key() . '"}', $requests[1]['body'], 'the handshake of the SDK, with the site key' );
		$this->assertSame( '1', $requests[3]['body'], 'closed' );
	}

	public function test_connects_as_the_default_site_without_a_site() {
		$this->connect_to_presence_server();
		add_filter( 'vip_presence_site_key', '__return_empty_string' );
		$this->queue_connection( self::ADMITTED );
		$this->assertSame( 'good', vip_presence_check_server_origins()['status'] );
		$this->assertSame( '40{"visitorId":"vip-presence-site-health"}', self::presence_server()->requests()[1]['body'] );
	}

	public function test_reports_an_origin_the_server_refuses_and_how_to_allow_it() {
		$this->connect_to_presence_server();
		$this->queue_connection( self::REFUSED_ORIGIN );
		$result = vip_presence_check_server_origins();
		$this->assertSame( 'critical', $result['status'] );
		$text = $this->text( $result );
		$this->assertStringContainsString( 'refuses browsers on pages of http://example.org (origin_not_allowed): readers\' widgets stay empty and nobody is counted', $text );
		$this->assertStringContainsString( 'Add http://example.org to the server\'s ALLOWED_ORIGINS', $text );
		$this->assertSame( '1', self::presence_server()->requests()[3]['body'], 'closed too' );
	}

	public function test_checks_the_origin_of_wp_admin_too_when_it_differs() {
		$this->connect_to_presence_server();
		add_filter(
			'admin_url',
			function ( $url ) {
				return str_replace( 'http://example.org/', 'https://admin.example.net/', $url );
			}
		);
		$this->assertSame(
			array(
				'readers' => 'http://example.org',
				'editors' => 'https://admin.example.net',
			),
			vip_presence_get_site_origins()
		);
		$this->queue_connection( self::ADMITTED );
		$this->queue_connection( self::REFUSED_ORIGIN );
		$result = vip_presence_check_server_origins();
		$this->assertSame( 'critical', $result['status'] );
		$this->assertStringContainsString( 'refuses browsers on pages of https://admin.example.net (origin_not_allowed): the Reading now column and the dashboard widget do not update live', $this->text( $result ) );
		$this->assertStringNotContainsString( 'pages of http://example.org (', $this->text( $result ) );
		$this->assertSame( array( 'http://example.org', 'https://admin.example.net' ), array_values( array_unique( array_column( array_column( self::presence_server()->requests(), 'headers' ), 'origin' ) ) ) );
	}

	public function test_writes_origins_as_browsers_send_them() {
		$this->assertSame( 'https://example.com', vip_presence_url_origin( 'HTTPS://Example.COM:443/blog/' ) );
		$this->assertSame( 'http://example.com:8080', vip_presence_url_origin( 'http://example.com:8080/' ) );
		$this->assertSame( 'http://example.com', vip_presence_url_origin( 'http://example.com:80' ) );
		$this->assertSame( 'https://example.com:80', vip_presence_url_origin( 'https://example.com:80' ) );
		$this->assertSame( '', vip_presence_url_origin( 'ftp://example.com' ) );
		$this->assertSame( '', vip_presence_url_origin( '/wp-admin/' ) );
	}

	/**
	 * @return array<string, array{0: int, 1: string, 2: string, 3: string}>
	 */
	public function connection_failures() {
		return array(
			'no Socket.IO at that path'        => array( 404, '{"error":"not_found"}', 'critical', '/socket.io/ answered with HTTP status 404, not as a presence server' ),
			'the node is shutting down'        => array( 200, '44{"message":"server is shutting down","data":{"code":"unavailable"}}', 'recommended', 'refused for a passing reason (unavailable: server is shutting down)' ),
			'too many connections'             => array( 200, '44{"message":"too many connections from this address","data":{"code":"too_many_connections"}}', 'recommended', 'check again later' ),
			'another refusal'                  => array( 200, '44{"message":"site must be 1-64 characters","data":{"code":"invalid_site"}}', 'critical', '(invalid_site: site must be 1-64 characters): readers\' widgets stay empty' ),
			'an answer that is not Socket.IO\'s' => array( 200, '6', 'recommended', 'could not be completed: the server did not answer the connection' ),
		);
	}

	/**
	 * @dataProvider connection_failures
	 *
	 * @param int    $status HTTP status of the first request (200: the connection opens).
	 * @param string $answer What the server answers (the first request's body when it is not 200,
	 *                       else the answer to the CONNECT).
	 * @param string $level  The check's status.
	 * @param string $says   What its text says.
	 */
	public function test_tells_what_else_a_test_connection_met( $status, $answer, $level, $says ) {
		$this->connect_to_presence_server();
		if ( 200 === $status ) {
			$this->queue_connection( $answer );
		} else {
			self::presence_server()->answer( $status, $answer );
		}
		$result = vip_presence_check_server_origins();
		$this->assertSame( $level, $result['status'] );
		$this->assertStringContainsString( $says, $this->text( $result ) );
	}

	public function test_tells_when_the_second_request_reached_a_node_that_does_not_know_the_connection() {
		$this->connect_to_presence_server();
		self::presence_server()->answer( 200, self::OPEN );
		self::presence_server()->answer( 400, '{"code":1,"message":"Session ID unknown"}' );
		$result = vip_presence_check_server_origins();
		$this->assertSame( 'recommended', $result['status'] );
		$this->assertStringContainsString( 'HTTP status 400 (several server nodes behind a load balancer without sticky sessions?)', $this->text( $result ) );
		$this->assertCount( 2, self::presence_server()->requests() );
	}

	public function test_reports_a_read_api_that_takes_the_secret() {
		$this->connect_to_presence_server();
		self::presence_server()->answer( 200, '{"posts":[]}' );
		$result = vip_presence_check_read_api();
		$this->assertSame( 'good', $result['status'] );
		$this->assertSame( 'vip_presence_read_api', $result['test'] );
		$this->assertStringContainsString( 'took the shared secret', $this->text( $result ) );
		$request = self::presence_server()->requests()[0];
		$this->assertSame( '/api/v1/top?limit=1&site=' . vip_presence_get_site_key(), $request['uri'] );
		$this->assertSame( 'Bearer ' . self::SECRET, $request['headers']['authorization'] );
		$this->assertStringNotContainsString( self::SECRET, $this->text( $result ) );
	}

	public function test_asks_the_read_api_at_its_own_url() {
		$this->configure();
		$api = self::presence_server()->url();
		update_option( 'vip_presence_api_url', $api );
		self::presence_server()->answer( 200, '{"posts":[{"postId":3,"count":1,"peak":1,"peakAt":1764300000123,"views":1}]}' );
		$this->assertSame( 'good', vip_presence_check_read_api()['status'] );
		$this->assertSame( array( $api . '/api/v1/top?limit=1&site=' . vip_presence_get_site_key() ), array_column( $this->http_requests(), 'url' ) );
	}

	public function test_reports_a_refused_secret_and_the_two_ways_to_fix_it() {
		$this->connect_to_presence_server();
		self::presence_server()->answer( 401, '{"error":"unauthorized"}' );
		$result = vip_presence_check_read_api();
		$this->assertSame( 'critical', $result['status'] );
		$text = $this->text( $result );
		$this->assertStringContainsString( 'HTTP status 401', $text );
		$this->assertStringContainsString( 'define VIP_PRESENCE_READ_TOKEN', $text );
		$this->assertStringContainsString( 'the secret is not the server\'s PRESENCE_SECRET: then the server also refuses the view tokens', $text );
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_reports_a_refused_read_token() {
		define( 'VIP_PRESENCE_READ_TOKEN', 'a-token-that-only-reads-counts' );
		$this->connect_to_presence_server();
		self::presence_server()->answer( 200, '{"posts":[]}' );
		$this->assertStringContainsString( 'took VIP_PRESENCE_READ_TOKEN', $this->text( vip_presence_check_read_api() ) );
		self::presence_server()->answer( 401, '{"error":"unauthorized"}' );
		$result = vip_presence_check_read_api();
		$this->assertSame( 'critical', $result['status'] );
		$this->assertStringContainsString( 'It refused VIP_PRESENCE_READ_TOKEN: it must be the same as the server\'s READ_API_TOKEN.', $this->text( $result ) );
		$this->assertStringContainsString( 'Readers are not affected by this', $this->text( $result ) );
		$this->assertSame( 'Bearer a-token-that-only-reads-counts', self::presence_server()->requests()[1]['headers']['authorization'] );
	}

	public function test_points_to_the_private_port_when_the_server_url_has_no_read_api() {
		$this->connect_to_presence_server();
		self::presence_server()->answer( 404, '{"error":"not_found"}' );
		$result = vip_presence_check_read_api();
		$this->assertSame( 'critical', $result['status'] );
		$text = $this->text( $result );
		$this->assertStringContainsString( 'There is no read API at ' . self::presence_server()->url() . ' (HTTP status 404).', $text );
		$this->assertStringContainsString( 'PRIVATE_HOST and PRIVATE_PORT, 127.0.0.1:3001 by default', $text );
		$this->assertStringContainsString( 'VIP_PRESENCE_API_URL in wp-config.php', $text );
		$this->assertStringContainsString( 'the Most read right now dashboard widget stays empty', $text );
	}

	public function test_reports_a_read_api_url_that_does_not_answer() {
		$this->connect_to_presence_server();
		$api = VIP_Presence_Test_Server::unreachable_url();
		update_option( 'vip_presence_api_url', $api );
		$result = vip_presence_check_read_api();
		$this->assertSame( 'critical', $result['status'] );
		$this->assertStringContainsString( 'WordPress asked the read API at ' . $api . ' and got no answer', $this->text( $result ) );
		$this->assertStringContainsString( 'That is the Read API URL', $this->text( $result ) );
	}

	public function test_reports_an_answer_that_is_not_the_read_apis() {
		$this->connect_to_presence_server();
		self::presence_server()->answer( 200, '<html>a login page</html>' );
		$result = vip_presence_check_read_api();
		$this->assertSame( 'critical', $result['status'] );
		$this->assertStringContainsString( 'without the list of posts a presence server sends', $this->text( $result ) );
	}

	public function test_warns_when_the_server_runs_without_a_secret() {
		$this->connect_to_presence_server( '' );
		self::presence_server()->answer( 200, '{"posts":[]}' );
		$result = vip_presence_check_read_api();
		$this->assertSame( 'recommended', $result['status'] );
		$this->assertStringContainsString( 'development mode', $this->text( $result ) );
		$this->assertArrayNotHasKey( 'authorization', self::presence_server()->requests()[0]['headers'] );

		self::presence_server()->answer( 401, '{"error":"unauthorized"}' );
		$refused = vip_presence_check_read_api();
		$this->assertSame( 'critical', $refused['status'] );
		$this->assertStringContainsString( 'no shared secret', $this->text( $refused ) );
	}

	/**
	 * Queues the answers of a whole check of a server that is fine, but for what a test changes.
	 *
	 * @param string $connection What the server answers the test connection with.
	 */
	private function queue_whole_check( $connection = self::ADMITTED ) {
		self::presence_server()->answer( 200, '{"ready":true,"store":"redis"}' );
		self::presence_server()->answer( 200, '{"status":"ok","version":"0.2.0"}' );
		$this->queue_connection( $connection );
		self::presence_server()->answer( 200, '{"posts":[]}' );
	}

	public function test_runs_every_check_in_turn() {
		$this->connect_to_presence_server();
		$this->queue_whole_check();
		$check = vip_presence_check_connection();
		$this->assertSame( 'ok', $check['status'] );
		$this->assertEqualsWithDelta( time(), $check['checked_at'], 2 );
		$this->assertSame( array( 'vip_presence_server', 'vip_presence_server_version', 'vip_presence_origin', 'vip_presence_read_api' ), array_column( $check['checks'], 'test' ) );
		$this->assertSame( array( 'good', 'good', 'good', 'good' ), array_column( $check['checks'], 'status' ) );
		$this->assertCount( 7, self::presence_server()->requests() );
	}

	public function test_is_an_error_when_one_check_is_critical_and_a_warning_when_one_is_recommended() {
		$this->connect_to_presence_server();
		$this->queue_whole_check( self::REFUSED_ORIGIN );
		$this->assertSame( 'error', vip_presence_check_connection()['status'], 'the server is ready, yet browsers cannot connect' );

		self::presence_server()->answer( 200, '{"ready":true,"store":"redis"}' );
		self::presence_server()->answer( 200, '{"status":"ok"}' );
		$this->queue_connection( self::ADMITTED );
		self::presence_server()->answer( 200, '{"posts":[]}' );
		$this->assertSame( 'warning', vip_presence_check_connection()['status'], 'a server that does not say its version' );
	}

	public function test_asks_nothing_while_unconfigured() {
		$check = vip_presence_get_connection_check();
		$this->assertSame( 'unconfigured', $check['status'] );
		$this->assertSame( 'recommended', $check['checks'][0]['status'] );
		$this->assertSame( array(), $this->http_requests() );
		$this->assertFalse( get_transient( vip_presence_connection_check_transient_name() ), 'nothing kept' );
	}

	public function test_keeps_a_check_five_minutes_and_checks_again_on_demand() {
		$this->connect_to_presence_server();
		$this->queue_whole_check();
		$first = vip_presence_get_connection_check();
		$this->assertSame( $first, vip_presence_get_connection_check() );
		$this->assertCount( 7, self::presence_server()->requests(), 'asked once' );
		$name = vip_presence_connection_check_transient_name();
		$this->assertStringStartsWith( 'vip_presence_check_', $name );
		$this->assertEqualsWithDelta( time() + 300, (int) get_option( '_transient_timeout_' . $name ), 2 );
		$this->assertStringNotContainsString( self::SECRET, maybe_serialize( get_transient( $name ) ) . $name, 'no credential kept' );

		$this->queue_whole_check( self::REFUSED_ORIGIN );
		$again = vip_presence_get_connection_check( true );
		$this->assertSame( 'error', $again['status'] );
		$this->assertSame( $again, vip_presence_get_connection_check(), 'the new check is kept' );
		$this->assertCount( 14, self::presence_server()->requests() );
	}

	public function test_checks_afresh_once_the_settings_change() {
		$this->connect_to_presence_server();
		$this->queue_whole_check();
		$this->assertSame( 'ok', vip_presence_get_connection_check()['status'] );

		update_option( 'vip_presence_secret', 'another-long-enough-secret' );
		$this->queue_whole_check();
		vip_presence_get_connection_check();
		$this->assertCount( 14, self::presence_server()->requests(), 'another secret: checked again' );
		$this->assertSame( 'Bearer another-long-enough-secret', self::presence_server()->requests()[13]['headers']['authorization'] );

		add_filter( 'vip_presence_site_key', '__return_empty_string' );
		$this->queue_whole_check();
		vip_presence_get_connection_check();
		$this->assertCount( 21, self::presence_server()->requests(), 'another site key: checked again' );
	}
}
