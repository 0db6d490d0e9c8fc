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

	public function test_shows_the_status_of_a_ready_server() {
		$this->connect_to_presence_server();
		self::presence_server()->answer( 200, 'ok' );
		self::presence_server()->answer( 200, '{"posts":[]}' );
		$status = $this->first_element( $this->render( 'vip_presence_render_connection_status' ) );
		$this->assertSame( 'ok', $status->getAttribute( 'data-vip-presence-connection' ) );
		$this->assertStringContainsString( 'notice-success', $status->getAttribute( 'class' ) );
		$this->assertStringStartsWith( 'Connected: the presence server at ' . self::presence_server()->url(), $status->textContent );
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
