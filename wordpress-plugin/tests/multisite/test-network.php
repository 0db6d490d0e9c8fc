<?php
/**
 * The plugin on a network (phpunit-multisite.xml.dist): network-activated, each site with its own
 * options, its own site key, its own tokens and its own counts.
 *
 * @package vip-presence
 */

require_once ABSPATH . 'wp-admin/includes/plugin.php';

/**
 * Tests that need the second site of the network.
 */
class VIP_Presence_Network_Test extends VIP_Presence_Test_Case {

	/**
	 * Blog id of the second site (made by install-network.php).
	 *
	 * @var int
	 */
	private $second = 0;

	/**
	 * Finds the second site.
	 */
	protected function setUp(): void {
		parent::setUp();
		$site = get_site_by_path( VIP_Presence_Test_Site::DOMAIN, VIP_Presence_Test_Site::SECOND_SITE_PATH );
		$this->assertInstanceOf( WP_Site::class, $site );
		$this->assertSame( VIP_Presence_Test_Site::SECOND_SITE_PATH, $site->path, 'the second site, not the main one' );
		$this->second = (int) $site->blog_id;
	}

	/**
	 * Goes back to the main site if a test left it switched.
	 */
	protected function tearDown(): void {
		while ( ms_is_switched() ) {
			restore_current_blog();
		}
		parent::tearDown();
	}

	/**
	 * Asks the tokens route as a visitor of the current site would.
	 *
	 * @param int $post_id Post id.
	 * @return array<string, mixed> The answer's data.
	 */
	private function ask_tokens( $post_id ) {
		$request = new WP_REST_Request( 'GET', '/vip-presence/v1/tokens' );
		$request->set_query_params( array( 'posts' => (string) $post_id ) );
		$response = rest_do_request( $request );
		return array( 'status' => $response->get_status() ) + (array) rest_get_server()->response_to_data( $response, false );
	}

	/**
	 * Inserts a published post with a given id in the current site.
	 *
	 * @param int $post_id Post id.
	 */
	private function insert_post_with_id( $post_id ) {
		$this->assertSame(
			$post_id,
			wp_insert_post(
				array(
					'import_id'   => $post_id,
					'post_title'  => 'A post of blog ' . get_current_blog_id(),
					'post_status' => 'publish',
				),
				true
			)
		);
	}

	public function test_runs_network_activated_on_a_network_of_two_sites() {
		$this->assertTrue( is_multisite() );
		$this->assertSame( 2, (int) get_blog_count() );
		$this->assertTrue( is_plugin_active_for_network( VIP_Presence_Test_Site::PLUGIN_SLUG . '/vip-presence.php' ) );
		$this->assertNotContains( VIP_Presence_Test_Site::PLUGIN_SLUG . '/vip-presence.php', (array) get_option( 'active_plugins' ), 'active for the network, not for one site' );
	}

	public function test_gives_each_site_of_the_network_a_key_of_its_own() {
		$main = vip_presence_get_site_key();
		$this->assertSame( vip_presence_derive_site_key( 'http://example.org' ), $main );

		switch_to_blog( $this->second );
		$this->assertSame( 'http://example.org/second', get_option( 'home' ) );
		$second = vip_presence_get_site_key();
		$this->assertSame( vip_presence_derive_site_key( 'http://example.org/second' ), $second );
		$this->assertStringStartsWith( 'example-org-second-', $second );
		restore_current_blog();

		$this->assertNotSame( $main, $second );
		$this->assertSame( $main, vip_presence_get_site_key(), 'back on the main site, its key again' );
	}

	public function test_keeps_the_settings_of_each_site_apart() {
		$this->configure( 'the-main-site-secret' );
		switch_to_blog( $this->second );
		$this->assertSame( '', vip_presence_get_secret() );
		$this->assertFalse( vip_presence_is_configured(), 'options are per site' );
		restore_current_blog();
		$this->assertTrue( vip_presence_is_configured() );
	}

	public function test_signs_tokens_only_for_posts_of_the_site_asked_and_names_that_site() {
		$this->configure();
		$only_main = $this->create_post();
		$shared_id = $this->create_post(); // The same id is given to a post of the second site below.
		$main_key  = vip_presence_get_site_key();

		switch_to_blog( $this->second );
		$this->configure();
		$this->insert_post_with_id( $shared_id );
		$second_key = vip_presence_get_site_key();

		$refused = $this->ask_tokens( $only_main );
		$this->assertSame( 404, $refused['status'], 'a post of another site of the network gets no token here' );
		$this->assertSame( 'vip_presence_post_not_viewable', $refused['code'] );

		$second = $this->ask_tokens( $shared_id );
		$this->assertSame( 200, $second['status'] );
		$this->assertStringStartsWith( 'v2.' . $second_key . '.' . $shared_id . '.', $second['tokens']->{$shared_id}, "the token of this site's post, naming this site" );
		restore_current_blog();

		$main = $this->ask_tokens( $shared_id );
		$this->assertStringStartsWith( 'v2.' . $main_key . '.' . $shared_id . '.', $main['tokens']->{$shared_id} );
		$this->assertNotSame( $main['tokens']->{$shared_id}, $second['tokens']->{$shared_id}, 'the same id on two sites: two tokens, each good only on its own site' );
	}

	public function test_prints_the_key_of_the_site_the_page_is_on() {
		switch_to_blog( $this->second );
		$this->configure();
		$settings = vip_presence_get_client_settings( array( 7 ) );
		$this->assertSame( vip_presence_derive_site_key( 'http://example.org/second' ), $settings['site'] );
		$this->assertStringStartsWith( 'v2.' . $settings['site'] . '.7.', $settings['tokens']->{'7'} );
	}

	public function test_asks_the_read_api_for_the_counts_of_each_site_apart() {
		$this->connect_to_presence_server();
		self::presence_server()->answer( 200, '{"posts":[{"postId":1,"count":3}]}' );
		$this->assertSame(
			array(
				array(
					'post_id' => 1,
					'count'   => 3,
				),
			),
			vip_presence_get_top_posts( 10 )
		);

		switch_to_blog( $this->second );
		$this->connect_to_presence_server();
		self::presence_server()->answer( 200, '{"posts":[{"postId":1,"count":9}]}' );
		$this->assertSame(
			array(
				array(
					'post_id' => 1,
					'count'   => 9,
				),
			),
			vip_presence_get_top_posts( 10 ),
			'not the main site\'s cached answer'
		);
		restore_current_blog();

		$this->assertSame(
			array(
				array(
					'post_id' => 1,
					'count'   => 3,
				),
			),
			vip_presence_get_top_posts( 10 ),
			'each site keeps its own cache'
		);
		$this->assertSame(
			array(
				'/api/v1/top?limit=10&site=' . vip_presence_derive_site_key( 'http://example.org' ),
				'/api/v1/top?limit=10&site=' . vip_presence_derive_site_key( 'http://example.org/second' ),
			),
			array_column( self::presence_server()->requests(), 'uri' )
		);
	}

	public function test_checks_that_the_server_lets_in_browsers_of_each_site_by_its_own_origin() {
		$open     = '0{"sid":"rxe7QQ2Qn_BKwCSwAAAA","upgrades":["websocket"],"pingInterval":45000,"pingTimeout":10000,"maxPayload":16384}';
		$admitted = '40{"sid":"MpA-QQ_qhm9JwvC0AAAA"}';
		$refused  = '44{"message":"this origin may not connect","data":{"code":"origin_not_allowed"}}';

		switch_to_blog( $this->second );
		$this->connect_to_presence_server();
		// The second site's pages on a domain of their own (domain mapping); wp-admin stays on the network's.
		update_option( 'home', 'https://news.example.net' );
		$second_key = vip_presence_get_site_key();
		foreach ( array( $refused, $admitted ) as $answer ) {
			self::presence_server()->answer( 200, $open );
			self::presence_server()->answer( 200, 'ok' );
			self::presence_server()->answer( 200, $answer );
			self::presence_server()->answer( 200, 'ok' );
		}
		$second = vip_presence_check_server_origins();
		restore_current_blog();

		$this->connect_to_presence_server();
		self::presence_server()->answer( 200, $open );
		self::presence_server()->answer( 200, 'ok' );
		self::presence_server()->answer( 200, $admitted );
		self::presence_server()->answer( 200, 'ok' );
		$main = vip_presence_check_server_origins();

		$this->assertSame( 'critical', $second['status'] );
		$this->assertStringContainsString( 'refuses browsers on pages of https://news.example.net (origin_not_allowed): readers', implode( ' ', $second['description'] ) );
		$this->assertSame( 'good', $main['status'] );
		$requests = self::presence_server()->requests();
		$this->assertSame(
			array( 'https://news.example.net', 'http://example.org', 'http://example.org' ),
			array( $requests[0]['headers']['origin'], $requests[4]['headers']['origin'], $requests[8]['headers']['origin'] ),
			'the second site\'s pages, then its wp-admin, then the main site'
		);
		$this->assertSame( '40{"visitorId":"vip-presence-site-health","site":"' . $second_key . '"}', $requests[1]['body'] );
		$this->assertSame( '40{"visitorId":"vip-presence-site-health","site":"' . vip_presence_get_site_key() . '"}', $requests[9]['body'] );
		$this->assertNotSame( $second_key, vip_presence_get_site_key() );
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_warns_that_the_constant_gives_every_site_of_the_network_one_key() {
		define( 'VIP_PRESENCE_SITE_KEY', 'one-key' );
		switch_to_blog( $this->second );
		$this->assertSame( 'one-key', vip_presence_get_site_key() );
		$problems = vip_presence_get_site_key_problems();
		$this->assertSame( array( 'vip_presence_network_site_key_constant' ), array_column( $problems, 'code' ) );
		$this->assertSame( 'warning', $problems[0]['type'] );
		$html = $this->render( 'vip_presence_render_site_key_notices' );
		$this->assertStringContainsString( 'notice-warning', $html );
		$this->assertStringContainsString( 'VIP_PRESENCE_SITE_KEY', $html );
		$this->assertStringContainsString( 'vip_presence_site_key', $html, 'names the filter that sets a key per site' );

		require_once ABSPATH . 'wp-admin/includes/class-wp-site-health.php';
		$health = call_user_func( WP_Site_Health::get_tests()['direct']['vip_presence_site_key']['test'] );
		$this->assertSame( 'recommended', $health['status'], 'Site Health recommends a key per site' );
	}
}
