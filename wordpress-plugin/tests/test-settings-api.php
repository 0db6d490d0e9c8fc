<?php
/**
 * The options as WordPress's Settings and REST APIs see them: registered on init with their sanitize
 * callbacks and schemas, changed by administrators only, the secret never shown.
 *
 * @package vip-presence
 */

/**
 * Tests of vip_presence_register_settings() (includes/settings.php) through update_option() and
 * /wp/v2/settings.
 */
class VIP_Presence_Settings_Api_Test extends VIP_Presence_Test_Case {

	/**
	 * Sends a request to the REST API, in this process.
	 *
	 * @param string               $method HTTP method.
	 * @param array<string, mixed> $body   Body parameters.
	 * @return WP_REST_Response
	 */
	private function settings_request( $method, array $body = array() ) {
		$request = new WP_REST_Request( $method, '/wp/v2/settings' );
		$request->set_body_params( $body );
		return rest_do_request( $request );
	}

	public function test_sanitizes_what_update_option_saves() {
		update_option( 'vip_presence_server_url', ' HTTPS://Presence.Example.COM/ ' );
		$this->assertSame( 'https://presence.example.com', get_option( 'vip_presence_server_url' ) );
		update_option( 'vip_presence_server_url', 'ftp://presence.example.com' );
		$this->assertSame( 'https://presence.example.com', get_option( 'vip_presence_server_url' ) );
		$this->assertSame( array( 'vip_presence_invalid_server_url' ), array_column( $this->settings_errors(), 'code' ) );
	}

	public function test_shows_the_settings_to_administrators_but_never_the_secret() {
		$this->configure();
		$this->log_in_as( 'administrator' );
		$response = $this->settings_request( 'GET' );
		$this->assertSame( 200, $response->get_status() );
		$data = $response->get_data();
		$this->assertSame( self::SERVER_URL, $data['vip_presence_server_url'] );
		$this->assertSame( 'after', $data['vip_presence_auto_insert'] );
		$this->assertSame( array( 'post' ), $data['vip_presence_post_types'] );
		$this->assertSame( 0, $data['vip_presence_hide_below'] );
		$this->assertSame( 5, $data['vip_presence_hidden_tabs_minutes'] );
		$this->assertArrayNotHasKey( 'vip_presence_secret', $data );
		$this->assertStringNotContainsString( self::SECRET, (string) wp_json_encode( $data ) );
	}

	public function test_saves_through_the_rest_api_only_what_the_schemas_and_callbacks_accept() {
		$this->log_in_as( 'administrator' );
		$saved = $this->settings_request(
			'POST',
			array(
				'vip_presence_auto_insert'         => 'before',
				'vip_presence_hide_below'          => 3,
				'vip_presence_hidden_tabs_minutes' => 15,
			)
		);
		$this->assertSame( 200, $saved->get_status() );
		$this->assertSame( 15, (int) get_option( 'vip_presence_hidden_tabs_minutes' ) );
		$this->assertSame( 400, $this->settings_request( 'POST', array( 'vip_presence_hidden_tabs_minutes' => 1441 ) )->get_status() );
		$this->assertSame( 400, $this->settings_request( 'POST', array( 'vip_presence_hidden_tabs_minutes' => -1 ) )->get_status() );
		$this->assertSame( 15, (int) get_option( 'vip_presence_hidden_tabs_minutes' ) );
		$this->assertSame( 'before', get_option( 'vip_presence_auto_insert' ) );
		$this->assertSame( 3, (int) get_option( 'vip_presence_hide_below' ) );

		$this->assertSame( 400, $this->settings_request( 'POST', array( 'vip_presence_auto_insert' => 'sideways' ) )->get_status() );
		$this->assertSame( 400, $this->settings_request( 'POST', array( 'vip_presence_hide_below' => -1 ) )->get_status() );
		$this->settings_request( 'POST', array( 'vip_presence_secret' => 'set-through-rest-api' ) );
		$this->assertSame( 'before', get_option( 'vip_presence_auto_insert' ) );
		$this->assertSame( 3, (int) get_option( 'vip_presence_hide_below' ) );
		$this->assertSame( '', get_option( 'vip_presence_secret' ), 'the secret is not a REST setting' );
	}

	public function test_lets_only_administrators_change_the_settings() {
		$this->log_in_as( 'editor' );
		$this->assertSame( 403, $this->settings_request( 'POST', array( 'vip_presence_auto_insert' => 'off' ) )->get_status() );
		$this->assertSame( 'after', get_option( 'vip_presence_auto_insert' ) );
	}
}
