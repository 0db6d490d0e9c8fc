<?php
/**
 * The settings screen: its fields (escaping, the secret never printed, locked fields), the connection
 * status, and the form only administrators get, with the nonce options.php checks.
 *
 * @package vip-presence
 */

require_once ABSPATH . 'wp-admin/includes/plugin.php';

/**
 * Tests of includes/settings-page.php.
 */
class VIP_Presence_Settings_Page_Test extends VIP_Presence_Test_Case {

	/**
	 * The admin screen's globals, as they were before the test.
	 *
	 * @var array<string, mixed>
	 */
	private $admin_globals = array();

	/**
	 * Saves the globals the admin menu and the Settings API fill in.
	 */
	protected function setUp(): void {
		parent::setUp();
		foreach ( array( 'submenu', '_registered_pages', '_parent_pages', 'wp_settings_sections', 'wp_settings_fields', 'title', 'plugin_page', 'pagenow' ) as $name ) {
			$this->admin_globals[ $name ] = isset( $GLOBALS[ $name ] ) ? $GLOBALS[ $name ] : null;
		}
	}

	/**
	 * Puts the admin screen's globals back.
	 */
	protected function tearDown(): void {
		foreach ( $this->admin_globals as $name => $value ) {
			$GLOBALS[ $name ] = $value;
		}
		parent::tearDown();
	}

	/**
	 * Opens Settings > VIP Presence as wp-admin does: the menu and the fields are added by the
	 * plugin's admin_menu and admin_init callbacks, then the page's callback prints it.
	 *
	 * @return string The page.
	 */
	private function settings_page() {
		$this->assertSame( 10, has_action( 'admin_menu', 'vip_presence_add_settings_page' ) );
		$this->assertSame( 10, has_action( 'admin_init', 'vip_presence_add_settings_fields' ) );
		vip_presence_add_settings_page();
		vip_presence_add_settings_fields();
		$GLOBALS['pagenow']     = 'options-general.php'; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- the screen being opened.
		$GLOBALS['plugin_page'] = 'vip-presence';
		return $this->render( 'vip_presence_render_settings_page' );
	}

	public function test_never_prints_the_secret_only_whether_it_is_set() {
		update_option( 'vip_presence_secret', 'do-not-print-this-secret-42' );
		$html = $this->render( 'vip_presence_render_secret_field' );
		$this->assertStringNotContainsString( 'do-not-print-this-secret-42', $html );
		$this->assertStringNotContainsString( 'secret-42', $html );
		$this->assertStringContainsString( 'Status: set', $html );
		$this->assertStringContainsString( 'name="vip_presence_secret[value]" value=""', $html );
		$this->assertStringContainsString( 'autocomplete="new-password"', $html );
		$this->assertStringContainsString( 'name="vip_presence_secret[clear]"', $html );
	}

	public function test_says_when_no_secret_is_set() {
		$html = $this->render( 'vip_presence_render_secret_field' );
		$this->assertStringContainsString( 'Status: not set', $html );
		$this->assertStringNotContainsString( 'vip_presence_secret[clear]', $html );
	}

	public function test_escapes_the_stored_server_url() {
		$this->store_option( 'vip_presence_server_url', 'https://x.example"><script>alert(1)</script>' );
		$html = $this->render( 'vip_presence_render_server_url_field' );
		$this->assertStringNotContainsString( '<script>', $html );
		$this->assertStringContainsString( 'name="vip_presence_server_url"', $html );
		$this->assertStringNotContainsString( 'disabled', $html );
		$this->assertSame( 'https://x.example"><script>alert(1)</script>', $this->first_element( $html )->getAttribute( 'value' ) );
	}

	public function test_marks_the_chosen_choices() {
		update_option( 'vip_presence_auto_insert', 'before' );
		update_option( 'vip_presence_post_types', array( 'page' ) );
		update_option( 'vip_presence_hide_below', 3 );
		$this->assertStringContainsString( 'value="before"  checked=\'checked\'', $this->render( 'vip_presence_render_auto_insert_field' ) );
		$types = $this->render( 'vip_presence_render_post_types_field' );
		$this->assertStringContainsString( 'value="page"  checked=\'checked\' /> Pages', $types );
		$this->assertStringContainsString( 'value="post"  /> Posts', $types );
		$this->assertStringNotContainsString( 'value="attachment"', $types );
		$this->assertStringContainsString( '<input type="hidden" name="vip_presence_post_types[]" value="" />', $types );
		$this->assertStringContainsString( 'value="3"', $this->render( 'vip_presence_render_hide_below_field' ) );
		update_option( 'vip_presence_hidden_tabs_minutes', 12 );
		$field = $this->first_element( $this->render( 'vip_presence_render_hidden_tabs_field' ) );
		$this->assertSame( 'vip_presence_hidden_tabs_minutes', $field->getAttribute( 'name' ) );
		$this->assertSame( '12', $field->getAttribute( 'value' ) );
		$this->assertSame( '1440', $field->getAttribute( 'max' ) );
	}

	public function test_shows_a_calm_status_while_unconfigured() {
		$html = $this->render( 'vip_presence_render_connection_status' );
		$this->assertStringContainsString( 'data-vip-presence-connection="unconfigured"', $html );
		$this->assertStringContainsString( 'notice-info', $html );
		$this->assertSame( array(), $this->http_requests() );
		$this->assertSame( array(), self::presence_server()->requests() );
	}

	/**
	 * Queues the answers of a whole check (server-checks.php) of a server that is fine, as
	 * vip-presence-server answers, but for the answer to the test connection.
	 *
	 * @param string $connection What the server answers the test connection with.
	 */
	private function queue_whole_check( $connection = '40{"sid":"MpA-QQ_qhm9JwvC0AAAA"}' ) {
		$server = self::presence_server();
		$server->answer( 200, '{"ready":true,"store":"redis"}' );
		$server->answer( 200, '{"status":"ok","version":"0.2.0"}' );
		$server->answer( 200, '0{"sid":"rxe7QQ2Qn_BKwCSwAAAA","upgrades":["websocket"],"pingInterval":45000,"pingTimeout":10000,"maxPayload":16384}' );
		$server->answer( 200, 'ok' );
		$server->answer( 200, $connection );
		$server->answer( 200, 'ok' );
		$server->answer( 200, '{"posts":[]}' );
	}

	/**
	 * Sends the "Check again" form to admin-post.php as the current user, and returns where it
	 * redirects to.
	 *
	 * @param string|null $nonce The form's nonce (null: none).
	 * @return string The redirect's location, or "died: <message>" when WordPress refused.
	 */
	private function check_again( $nonce ) {
		$_POST = array( 'action' => 'vip_presence_check_connection' );
		if ( null !== $nonce ) {
			$_POST['_wpnonce'] = $nonce;
		}
		$_REQUEST = $_POST;
		add_filter(
			'wp_redirect',
			function ( $location ) {
				throw new RuntimeException( 'redirect: ' . $location );
			}
		);
		add_filter(
			'wp_die_handler',
			function () {
				return function ( $message ) {
					throw new RuntimeException( 'died: ' . ( is_string( $message ) ? $message : '' ) );
				};
			}
		);
		$this->assertSame( 10, has_action( 'admin_post_vip_presence_check_connection', 'vip_presence_handle_check_again' ) );
		try {
			do_action( 'admin_post_vip_presence_check_connection' );
		} catch ( RuntimeException $stop ) {
			return $stop->getMessage();
		}
		$this->fail( 'admin-post.php went on after the handler' );
	}

	public function test_says_what_was_checked_from_wordpress_and_what_only_a_browser_can_tell() {
		$this->connect_to_presence_server();
		$this->queue_whole_check();
		$html   = $this->render( 'vip_presence_render_connection_status' );
		$status = $this->first_element( $html );
		$this->assertSame( 'ok', $status->getAttribute( 'data-vip-presence-connection' ) );
		$this->assertStringContainsString( 'notice-success', $status->getAttribute( 'class' ) );
		$this->assertStringStartsWith( 'The presence server at ' . self::presence_server()->url() . ' is ready and lets browsers on this site connect, as checked from WordPress\'s server.', trim( $status->textContent ) );
		$this->assertStringNotContainsString( 'Connected', $status->textContent, 'WordPress cannot know that browsers connect' );
		$checks = array();
		foreach ( $status->getElementsByTagName( 'li' ) as $item ) {
			$checks[ $item->getAttribute( 'data-vip-presence-check' ) ] = $item->getAttribute( 'data-vip-presence-check-status' );
		}
		$this->assertSame(
			array(
				'vip_presence_server'         => 'good',
				'vip_presence_server_version' => 'good',
				'vip_presence_origin'         => 'good',
				'vip_presence_read_api'       => 'good',
			),
			$checks
		);
		$this->assertStringContainsString( 'OK: The presence server lets browsers on this site connect.', $status->textContent );
		$this->assertStringContainsString( 'What only a browser can tell: whether it gets through to the presence server.', $status->textContent );
		$this->assertStringContainsString( 'must pass the WebSocket upgrade', $status->textContent );
		$this->assertStringContainsString( 'Checked 1 second ago.', $status->textContent );
		$this->assertEqualsWithDelta( time(), (int) $status->getAttribute( 'data-vip-presence-checked-at' ), 2 );
		$this->assertStringNotContainsString( self::SECRET, $html );
	}

	public function test_does_not_say_the_browser_can_connect_when_the_server_refuses_the_sites_origin() {
		$this->connect_to_presence_server();
		$this->queue_whole_check( '44{"message":"this origin may not connect","data":{"code":"origin_not_allowed"}}' );
		$status = $this->first_element( $this->render( 'vip_presence_render_connection_status' ) );
		$this->assertSame( 'error', $status->getAttribute( 'data-vip-presence-connection' ) );
		$this->assertStringContainsString( 'notice-error', $status->getAttribute( 'class' ) );
		$this->assertStringStartsWith( 'Readers may not get live counts from the presence server at', trim( $status->textContent ) );
		$this->assertStringContainsString( 'Critical: Browsers on this site cannot connect to the presence server.', $status->textContent );
		$this->assertStringContainsString( 'Add http://example.org to the server\'s ALLOWED_ORIGINS', $status->textContent );
		$this->assertStringContainsString( 'OK: The presence server is ready.', $status->textContent, 'ready, yet refused' );
	}

	public function test_asks_the_server_once_per_five_minutes_not_on_every_load() {
		$this->connect_to_presence_server();
		$this->queue_whole_check();
		$first = $this->render( 'vip_presence_render_connection_status' );
		$this->assertSame( $first, $this->render( 'vip_presence_render_connection_status' ) );
		$this->assertCount( 7, self::presence_server()->requests() );
	}

	public function test_checks_again_with_the_button_and_its_nonce() {
		$this->log_in_as( 'administrator' );
		$this->connect_to_presence_server();
		$this->queue_whole_check();
		$html = $this->render( 'vip_presence_render_connection_status' );
		$form = $this->parse_html( $html )->getElementsByTagName( 'form' )->item( 0 );
		$this->assertSame( admin_url( 'admin-post.php' ), $form->getAttribute( 'action' ) );
		$this->assertSame( 'post', $form->getAttribute( 'method' ) );
		$fields = array();
		foreach ( $form->getElementsByTagName( 'input' ) as $input ) {
			$fields[ $input->getAttribute( 'name' ) ] = $input->getAttribute( 'value' );
		}
		$this->assertSame( 'vip_presence_check_connection', $fields['action'] );
		$this->assertSame( 1, wp_verify_nonce( $fields['_wpnonce'], 'vip_presence_check_connection' ) );
		$this->assertSame( 'Check again', trim( $form->getElementsByTagName( 'button' )->item( 0 )->textContent ) );
		$this->assertStringNotContainsString( 'id="_wpnonce"', $html, 'the settings form below has that id' );

		// The server now refuses the origin: the button checks again, and the screen shows it.
		$this->queue_whole_check( '44{"message":"this origin may not connect","data":{"code":"origin_not_allowed"}}' );
		$this->assertSame( 'redirect: ' . admin_url( 'options-general.php?page=vip-presence#vip-presence-connection-status' ), $this->check_again( $fields['_wpnonce'] ) );
		$this->assertCount( 14, self::presence_server()->requests() );
		$status = $this->first_element( $this->render( 'vip_presence_render_connection_status' ) );
		$this->assertSame( 'error', $status->getAttribute( 'data-vip-presence-connection' ) );
		$this->assertCount( 14, self::presence_server()->requests(), 'the screen shows the check just made' );
	}

	public function test_checks_again_only_for_administrators_with_the_nonce() {
		$this->connect_to_presence_server();
		$this->log_in_as( 'administrator' );
		$this->assertStringStartsWith( 'died: ', $this->check_again( null ), 'no nonce' );
		$this->assertStringStartsWith( 'died: ', $this->check_again( wp_create_nonce( 'vip_presence-options' ) ), 'a nonce of another action' );
		$this->log_in_as( 'editor' );
		$this->assertSame( 'died: Sorry, you are not allowed to check the presence server.', $this->check_again( wp_create_nonce( 'vip_presence_check_connection' ) ) );
		$this->assertSame( array(), self::presence_server()->requests(), 'nothing asked' );
	}

	public function test_prints_the_form_with_the_nonce_of_its_option_group_for_administrators() {
		$admin = $this->log_in_as( 'administrator' );
		$page  = $this->parse_html( $this->settings_page() );
		$this->assertSame( 'VIP Presence', $page->getElementsByTagName( 'h1' )->item( 0 )->textContent );
		$form = $page->getElementsByTagName( 'form' )->item( 0 );
		$this->assertSame( 'options.php', $form->getAttribute( 'action' ) );
		$this->assertSame( 'post', $form->getAttribute( 'method' ) );

		$fields = array();
		foreach ( $form->getElementsByTagName( 'input' ) as $input ) {
			$fields[ $input->getAttribute( 'name' ) ] = $input->getAttribute( 'value' );
		}
		$this->assertSame( 'vip_presence', $fields['option_page'] );
		foreach ( array( 'vip_presence_server_url', 'vip_presence_api_url', 'vip_presence_secret[value]', 'vip_presence_auto_insert', 'vip_presence_post_types[]', 'vip_presence_hide_below', 'vip_presence_hidden_tabs_minutes' ) as $name ) {
			$this->assertArrayHasKey( $name, $fields );
		}
		$this->assertSame( 1, wp_verify_nonce( $fields['_wpnonce'], 'vip_presence-options' ), 'options.php accepts the nonce' );

		$this->log_in_as( 'administrator' );
		$this->assertFalse( wp_verify_nonce( $fields['_wpnonce'], 'vip_presence-options' ), 'only from the user it was made for' );
		wp_set_current_user( $admin );
		$this->assertFalse( wp_verify_nonce( $fields['_wpnonce'], 'general-options' ), 'only for this option group' );
	}

	public function test_prints_nothing_for_users_who_cannot_manage_options() {
		$this->log_in_as( 'editor' );
		$this->assertSame( '', $this->settings_page() );
	}

	public function test_links_the_settings_from_the_plugins_screen_for_administrators_only() {
		$hook = 'plugin_action_links_' . VIP_Presence_Test_Site::PLUGIN_SLUG . '/vip-presence.php';
		$this->log_in_as( 'editor' );
		$this->assertSame( array(), apply_filters( $hook, array() ) );
		$this->log_in_as( 'administrator' );
		$this->assertSame(
			array( '<a href="http://example.org/wp-admin/options-general.php?page=vip-presence">Settings</a>' ),
			apply_filters( $hook, array() )
		);
	}

	public function test_prints_the_api_url_field_with_the_server_url_as_its_placeholder() {
		$this->configure();
		$html  = $this->render( 'vip_presence_render_api_url_field' );
		$field = $this->first_element( $html );
		$this->assertSame( 'vip_presence_api_url', $field->getAttribute( 'name' ) );
		$this->assertSame( '', $field->getAttribute( 'value' ) );
		$this->assertSame( self::SERVER_URL, $field->getAttribute( 'placeholder' ), 'empty: the server URL' );
		$this->assertStringContainsString( 'PRIVATE_HOST and PRIVATE_PORT', $html );
		update_option( 'vip_presence_api_url', 'http://127.0.0.1:3001' );
		$this->assertSame( 'http://127.0.0.1:3001', $this->first_element( $this->render( 'vip_presence_render_api_url_field' ) )->getAttribute( 'value' ) );
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_locks_the_fields_set_in_wp_config() {
		define( 'VIP_PRESENCE_SERVER_URL', 'https://constant.example.com' );
		define( 'VIP_PRESENCE_SECRET', 'constant-secret-never-shown' );
		define( 'VIP_PRESENCE_API_URL', 'http://10.0.0.5:3001' );
		$url = $this->render( 'vip_presence_render_server_url_field' );
		$this->assertStringContainsString( "disabled='disabled'", $url );
		$this->assertStringNotContainsString( 'name="vip_presence_server_url"', $url, 'a locked field is not submitted' );
		$this->assertStringContainsString( '<code>VIP_PRESENCE_SERVER_URL</code>', $url );
		$this->assertStringContainsString( 'value="https://constant.example.com"', $url );

		$secret = $this->render( 'vip_presence_render_secret_field' );
		$this->assertStringContainsString( 'disabled="disabled"', $secret );
		$this->assertStringNotContainsString( 'name="vip_presence_secret', $secret );
		$this->assertStringNotContainsString( 'constant-secret-never-shown', $secret );
		$this->assertStringContainsString( '<code>VIP_PRESENCE_SECRET</code>', $secret );
		$this->assertStringContainsString( 'Status: set', $secret );

		$api = $this->render( 'vip_presence_render_api_url_field' );
		$this->assertStringContainsString( "disabled='disabled'", $api );
		$this->assertStringNotContainsString( 'name="vip_presence_api_url"', $api );
		$this->assertStringContainsString( '<code>VIP_PRESENCE_API_URL</code>', $api );
		$this->assertStringContainsString( 'value="http://10.0.0.5:3001"', $api );
		$this->assertStringNotContainsString( 'not a valid URL', $api );
	}
}
