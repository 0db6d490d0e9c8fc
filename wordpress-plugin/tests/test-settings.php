<?php
/**
 * Settings: sanitize callbacks, getters and the wp-config.php constants.
 *
 * @package vip-presence
 */

/**
 * Tests of includes/settings.php.
 */
class VIP_Presence_Settings_Test extends VIP_Presence_Test_Case {

	/**
	 * @return array<string, array{0: string, 1: string}>
	 */
	public function accepted_server_urls() {
		return array(
			'https host'              => array( 'https://presence.example.com', 'https://presence.example.com' ),
			'trailing slash'          => array( 'https://presence.example.com/', 'https://presence.example.com' ),
			'port'                    => array( 'http://localhost:3000', 'http://localhost:3000' ),
			'uppercase'               => array( 'HTTPS://Presence.Example.COM', 'https://presence.example.com' ),
			'surrounding spaces'      => array( "  https://presence.example.com\n", 'https://presence.example.com' ),
			'IPv4'                    => array( 'http://127.0.0.1:3000', 'http://127.0.0.1:3000' ),
			'IPv6'                    => array( 'http://[::1]:3000', 'http://[::1]:3000' ),
			'docker service name'     => array( 'http://presence_server:3000', 'http://presence_server:3000' ),
		);
	}

	/**
	 * @dataProvider accepted_server_urls
	 *
	 * @param string $input    Submitted URL.
	 * @param string $expected Stored URL.
	 */
	public function test_accepts_and_normalizes_http_and_https_server_urls( $input, $expected ) {
		$this->assertSame( $expected, vip_presence_sanitize_server_url( $input ) );
		$this->assertSame( array(), $this->settings_errors() );
	}

	/**
	 * @return array<string, array{0: mixed}>
	 */
	public function refused_server_urls() {
		return array(
			'no scheme'        => array( 'presence.example.com' ),
			'ftp'              => array( 'ftp://presence.example.com' ),
			'javascript'       => array( 'javascript:alert(1)' ),
			'ws'               => array( 'ws://presence.example.com' ),
			'path'             => array( 'https://example.com/presence' ),
			'query'            => array( 'https://example.com/?x=1' ),
			'fragment'         => array( 'https://example.com/#x' ),
			'credentials'      => array( 'https://user:pass@example.com' ),
			'markup'           => array( 'https://example.com"><script>' ),
			'space inside'     => array( 'https://exa mple.com' ),
			'port 0'           => array( 'https://example.com:0' ),
			'scheme only'      => array( 'https://' ),
			'missing slashes'  => array( 'https:example.com' ),
			'not a string'     => array( array( 'https://example.com' ) ),
			'word'             => array( 'not a url' ),
		);
	}

	/**
	 * @dataProvider refused_server_urls
	 *
	 * @param mixed $input Submitted value.
	 */
	public function test_refuses_a_bad_server_url_with_a_message_and_keeps_the_previous_one( $input ) {
		update_option( 'vip_presence_server_url', 'https://old.example.com' );
		$this->assertSame( 'https://old.example.com', vip_presence_sanitize_server_url( $input ) );
		$errors = $this->settings_errors();
		$this->assertCount( 1, $errors );
		$this->assertSame( 'vip_presence_server_url', $errors[0]['setting'] );
		$this->assertSame( 'error', $errors[0]['type'] );
		$this->assertStringContainsString( 'http:// or https://', $errors[0]['message'] );
		$this->assertStringContainsString( 'previous value was kept', $errors[0]['message'] );
	}

	public function test_reports_a_refused_server_url_once_even_when_sanitized_twice() {
		vip_presence_sanitize_server_url( 'nope' );
		vip_presence_sanitize_server_url( 'nope' );
		$this->assertCount( 1, $this->settings_errors() );
	}

	public function test_lets_an_admin_clear_the_server_url() {
		update_option( 'vip_presence_server_url', 'https://old.example.com' );
		$this->assertSame( '', vip_presence_sanitize_server_url( '   ' ) );
		$this->assertSame( array(), $this->settings_errors() );
	}

	public function test_keeps_the_server_url_when_the_field_is_not_submitted() {
		update_option( 'vip_presence_server_url', 'https://old.example.com' );
		$this->assertSame( 'https://old.example.com', vip_presence_sanitize_server_url( null ) );
	}

	public function test_keeps_the_secret_when_the_form_leaves_it_blank() {
		update_option( 'vip_presence_secret', 'the-current-secret-value' );
		$this->assertSame( 'the-current-secret-value', vip_presence_sanitize_secret( array( 'value' => '' ) ) );
		$this->assertSame( 'the-current-secret-value', vip_presence_sanitize_secret( array( 'value' => '   ' ) ) );
		$this->assertSame( 'the-current-secret-value', vip_presence_sanitize_secret( null ) );
		$this->assertSame( array(), $this->settings_errors() );
	}

	public function test_replaces_the_secret_with_a_new_one_from_the_form() {
		update_option( 'vip_presence_secret', 'the-current-secret-value' );
		$this->assertSame( 'a-brand-new-secret-value', vip_presence_sanitize_secret( array( 'value' => ' a-brand-new-secret-value ' ) ) );
	}

	public function test_removes_the_secret_when_asked() {
		update_option( 'vip_presence_secret', 'the-current-secret-value' );
		$this->assertSame( '', vip_presence_sanitize_secret( array( 'value' => '', 'clear' => '1' ) ) );
		$this->assertSame( '', vip_presence_sanitize_secret( '' ), 'update_option( ..., "" )' );
	}

	public function test_saves_a_short_secret_with_a_warning() {
		$this->assertSame( 'short', vip_presence_sanitize_secret( array( 'value' => 'short' ) ) );
		$errors = $this->settings_errors();
		$this->assertCount( 1, $errors );
		$this->assertSame( 'warning', $errors[0]['type'] );
		// WordPress sanitizes twice on the first save; the warning shows once.
		vip_presence_sanitize_secret( 'short' );
		$this->assertCount( 1, $this->settings_errors() );

		$GLOBALS['wp_settings_errors'] = array();
		update_option( 'vip_presence_secret', 'short' ); // update_option(), then add_option(): both sanitize.
		$this->assertSame( 'short', get_option( 'vip_presence_secret' ) );
		$this->assertSame( array( 'vip_presence_short_secret' ), array_column( $this->settings_errors(), 'code' ) );
	}

	public function test_refuses_a_secret_with_control_characters_and_keeps_the_previous_one() {
		update_option( 'vip_presence_secret', 'the-current-secret-value' );
		$this->assertSame( 'the-current-secret-value', vip_presence_sanitize_secret( array( 'value' => "abc\ndef-ghijklmnopq" ) ) );
		$this->assertSame( 'error', $this->settings_errors()[0]['type'] );
		$this->assertStringNotContainsString( 'the-current-secret-value', $this->settings_errors()[0]['message'] );
	}

	public function test_accepts_only_the_three_auto_insert_positions() {
		foreach ( array( 'before', 'after', 'off' ) as $position ) {
			$this->assertSame( $position, vip_presence_sanitize_auto_insert( $position ) );
		}
		update_option( 'vip_presence_auto_insert', 'before' );
		$this->assertSame( 'before', vip_presence_sanitize_auto_insert( 'sideways' ) );
		$this->assertCount( 1, $this->settings_errors() );
	}

	public function test_keeps_only_public_post_types() {
		$this->assertSame(
			array( 'post', 'page' ),
			vip_presence_sanitize_post_types( array( '', 'post', 'secret_type', 'page', 'post', 'attachment', array( 'x' ) ) )
		);
	}

	public function test_saves_no_post_types_when_every_box_is_unchecked() {
		update_option( 'vip_presence_post_types', array( 'post' ) );
		$this->assertSame( array(), vip_presence_sanitize_post_types( array( '' ) ) );
	}

	public function test_keeps_the_post_types_when_the_value_is_not_a_list() {
		update_option( 'vip_presence_post_types', array( 'page' ) );
		$this->assertSame( array( 'page' ), vip_presence_sanitize_post_types( 'post' ) );
	}

	public function test_accepts_whole_numbers_from_zero_to_hide_counts_below() {
		$this->assertSame( 0, vip_presence_sanitize_hide_below( '0' ) );
		$this->assertSame( 3, vip_presence_sanitize_hide_below( ' 3 ' ) );
		$this->assertSame( 5, vip_presence_sanitize_hide_below( 5 ) );
		$this->assertSame( 0, vip_presence_sanitize_hide_below( '' ) );
		$this->assertSame( array(), $this->settings_errors() );
	}

	/**
	 * @return array<string, array{0: mixed}>
	 */
	public function refused_hide_below_values() {
		return array(
			'negative'        => array( '-1' ),
			'negative int'    => array( -2 ),
			'fraction'        => array( '2.5' ),
			'word'            => array( 'three' ),
			'too many digits' => array( '12345678901' ),
		);
	}

	/**
	 * @dataProvider refused_hide_below_values
	 *
	 * @param mixed $input Submitted value.
	 */
	public function test_refuses_other_values_of_hide_below_and_keeps_the_previous_one( $input ) {
		update_option( 'vip_presence_hide_below', 4 );
		$this->assertSame( 4, vip_presence_sanitize_hide_below( $input ) );
		$this->assertSame( 'vip_presence_hide_below', $this->settings_errors()[0]['setting'] );
	}

	public function test_accepts_whole_minutes_from_zero_to_a_day_for_background_tabs() {
		$this->assertSame( 0, vip_presence_sanitize_hidden_tabs_minutes( '0' ) );
		$this->assertSame( 10, vip_presence_sanitize_hidden_tabs_minutes( ' 10 ' ) );
		$this->assertSame( 1440, vip_presence_sanitize_hidden_tabs_minutes( 1440 ) );
		$this->assertSame( array(), $this->settings_errors() );
	}

	/**
	 * @return array<string, array{0: mixed}>
	 */
	public function refused_hidden_tabs_values() {
		return array(
			'empty'        => array( '' ),
			'negative'     => array( '-1' ),
			'negative int' => array( -5 ),
			'fraction'     => array( '2.5' ),
			'word'         => array( 'five' ),
			'over a day'   => array( '1441' ),
			'array'        => array( array( 5 ) ),
		);
	}

	/**
	 * @dataProvider refused_hidden_tabs_values
	 *
	 * @param mixed $input Submitted value.
	 */
	public function test_refuses_other_values_for_background_tabs_and_keeps_the_previous_one( $input ) {
		update_option( 'vip_presence_hidden_tabs_minutes', 7 );
		$this->assertSame( 7, vip_presence_sanitize_hidden_tabs_minutes( $input ) );
		$this->assertSame( array( 'vip_presence_invalid_hidden_tabs_minutes' ), array_column( $this->settings_errors(), 'code' ) );
		$this->assertSame( 7, get_option( 'vip_presence_hidden_tabs_minutes' ) );
	}

	public function test_reads_a_stored_background_tabs_value_within_its_bounds() {
		$this->store_option( 'vip_presence_hidden_tabs_minutes', '99999' );
		$this->assertSame( 1440, vip_presence_get_hidden_tabs_minutes() );
		$this->store_option( 'vip_presence_hidden_tabs_minutes', 'not a number' );
		$this->assertSame( 5, vip_presence_get_hidden_tabs_minutes() );
	}

	public function test_has_calm_defaults_when_nothing_is_saved() {
		$this->assertSame( '', vip_presence_get_server_url() );
		$this->assertFalse( vip_presence_is_configured() );
		$this->assertSame( '', vip_presence_get_secret() );
		$this->assertSame( 'after', vip_presence_get_auto_insert() );
		$this->assertSame( array( 'post' ), vip_presence_get_post_types() );
		$this->assertSame( 5, vip_presence_get_hidden_tabs_minutes(), 'five minutes' );
		$this->assertSame( 300000, vip_presence_get_hidden_timeout_ms() );
		$this->assertSame( 0, vip_presence_get_hide_below() );
	}

	public function test_ignores_a_stored_server_url_that_is_not_valid() {
		$this->store_option( 'vip_presence_server_url', 'javascript:alert(1)' );
		$this->assertSame( '', vip_presence_get_server_url() );
		$this->assertFalse( vip_presence_is_configured() );
	}

	public function test_falls_back_from_stored_nonsense() {
		$this->store_option( 'vip_presence_auto_insert', 'sideways' );
		$this->store_option( 'vip_presence_post_types', 'post' );
		$this->store_option( 'vip_presence_hide_below', 'many' );
		$this->assertSame( 'after', vip_presence_get_auto_insert() );
		$this->assertSame( array(), vip_presence_get_post_types() );
		$this->assertSame( 0, vip_presence_get_hide_below() );
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_lets_wp_config_constants_override_and_lock_the_connection_settings() {
		define( 'VIP_PRESENCE_SERVER_URL', 'https://constant.example.com/' );
		define( 'VIP_PRESENCE_SECRET', 'secret-from-wp-config-php' );
		$this->store_option( 'vip_presence_server_url', 'https://option.example.com' );
		$this->store_option( 'vip_presence_secret', 'secret-from-the-option' );

		$this->assertTrue( vip_presence_is_server_url_locked() );
		$this->assertTrue( vip_presence_is_secret_locked() );
		$this->assertSame( 'https://constant.example.com', vip_presence_get_server_url() );
		$this->assertSame( 'secret-from-wp-config-php', vip_presence_get_secret() );
		// The locked fields are not submitted: the stored options stay as they were.
		$this->assertSame( 'https://option.example.com', vip_presence_sanitize_server_url( null ) );
		$this->assertSame( 'secret-from-the-option', vip_presence_sanitize_secret( null ) );
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_never_stores_a_server_url_submitted_while_the_constant_locks_the_field() {
		define( 'VIP_PRESENCE_SERVER_URL', 'https://constant.example.com' );
		$this->store_option( 'vip_presence_server_url', 'https://option.example.com' );

		// A crafted request (the form does not submit a locked field): a good URL is refused as locked.
		$this->assertSame( 'https://option.example.com', vip_presence_sanitize_server_url( 'https://other.example.com' ) );
		$errors = $this->settings_errors();
		$this->assertCount( 1, $errors );
		$this->assertSame( 'vip_presence_server_url_locked', $errors[0]['code'] );
		$this->assertSame( 'error', $errors[0]['type'] );
		$this->assertStringContainsString( 'set by the VIP_PRESENCE_SERVER_URL constant in wp-config.php', $errors[0]['message'] );

		// Clearing is a change too; a bad URL is still reported as bad.
		$this->assertSame( 'https://option.example.com', vip_presence_sanitize_server_url( '' ) );
		$this->assertSame( 'https://option.example.com', vip_presence_sanitize_server_url( 'javascript:alert(1)' ) );
		$this->assertSame(
			array( 'vip_presence_server_url_locked', 'vip_presence_invalid_server_url' ),
			array_column( $this->settings_errors(), 'code' )
		);
		// The value already stored is no change: no message.
		$GLOBALS['wp_settings_errors'] = array();
		$this->assertSame( 'https://option.example.com', vip_presence_sanitize_server_url( 'https://OPTION.example.com/' ) );
		$this->assertSame( array(), $this->settings_errors() );
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_never_stores_a_secret_submitted_while_the_constant_locks_the_field() {
		define( 'VIP_PRESENCE_SECRET', 'secret-from-wp-config-php' );
		$this->store_option( 'vip_presence_secret', '' );

		$this->assertSame( '', vip_presence_sanitize_secret( array( 'value' => 'a-brand-new-secret-value' ) ) );
		$this->assertSame( '', vip_presence_sanitize_secret( 'set-by-update-option-or-cli' ) );
		$this->assertSame( '', vip_presence_sanitize_secret( array( 'value' => 'short' ) ), 'no "saved, but short" warning either' );
		$this->assertSame( array( 'vip_presence_secret_locked' ), array_unique( array_column( $this->settings_errors(), 'code' ) ) );
		$this->assertStringContainsString( 'set by the VIP_PRESENCE_SECRET constant in wp-config.php', $this->settings_errors()[0]['message'] );
		$this->assertStringNotContainsString( 'secret-from-wp-config-php', $this->settings_errors()[0]['message'] );

		$this->store_option( 'vip_presence_secret', 'secret-from-the-option' );
		$this->assertSame( 'secret-from-the-option', vip_presence_sanitize_secret( array( 'value' => '', 'clear' => '1' ) ) );
		// A blank form field keeps the secret anyway: nothing to refuse.
		$GLOBALS['wp_settings_errors'] = array();
		$this->assertSame( 'secret-from-the-option', vip_presence_sanitize_secret( array( 'value' => '' ) ) );
		$this->assertSame( array(), $this->settings_errors() );
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_treats_an_invalid_server_url_constant_as_unconfigured() {
		define( 'VIP_PRESENCE_SERVER_URL', 'presence.example.com' );
		$this->store_option( 'vip_presence_server_url', 'https://option.example.com' );
		$this->assertSame( '', vip_presence_get_server_url() );
		$this->assertFalse( vip_presence_is_configured() );
	}

	public function test_reads_the_api_at_the_server_url_until_an_api_url_is_set() {
		$this->assertSame( '', vip_presence_get_api_url(), 'nothing while unconfigured' );
		update_option( 'vip_presence_api_url', 'http://127.0.0.1:3001' );
		$this->assertSame( 'http://127.0.0.1:3001', get_option( 'vip_presence_api_url' ) );
		$this->assertSame( '', vip_presence_get_api_url(), 'nor with an API URL alone: the plugin needs its server' );
		$this->configure();
		$this->assertSame( 'http://127.0.0.1:3001', vip_presence_get_api_url() );
		$this->assertSame( self::SERVER_URL, vip_presence_get_client_settings( array() )['url'], 'browsers keep the server URL' );
		update_option( 'vip_presence_api_url', '' );
		$this->assertSame( self::SERVER_URL, vip_presence_get_api_url(), 'servers before 0.2.0 serve the API at the server URL' );
	}

	/**
	 * @dataProvider accepted_server_urls
	 *
	 * @param string $input    Submitted URL.
	 * @param string $expected Stored URL.
	 */
	public function test_accepts_and_normalizes_an_api_url_as_a_server_url( $input, $expected ) {
		$this->assertSame( $expected, vip_presence_sanitize_api_url( $input ) );
		$this->assertSame( array(), $this->settings_errors() );
	}

	/**
	 * @dataProvider refused_server_urls
	 *
	 * @param mixed $input Submitted value.
	 */
	public function test_refuses_a_bad_api_url_with_a_message_and_keeps_the_previous_one( $input ) {
		update_option( 'vip_presence_api_url', 'http://10.0.0.5:3001' );
		$this->assertSame( 'http://10.0.0.5:3001', vip_presence_sanitize_api_url( $input ) );
		$errors = $this->settings_errors();
		$this->assertSame( array( 'vip_presence_invalid_api_url' ), array_column( $errors, 'code' ) );
		$this->assertSame( 'vip_presence_api_url', $errors[0]['setting'] );
		$this->assertStringContainsString( 'previous value was kept', $errors[0]['message'] );
	}

	public function test_lets_an_admin_clear_the_api_url_or_leave_it_as_it_is() {
		update_option( 'vip_presence_api_url', 'http://10.0.0.5:3001' );
		$this->assertSame( 'http://10.0.0.5:3001', vip_presence_sanitize_api_url( null ) );
		$this->assertSame( '', vip_presence_sanitize_api_url( ' ' ) );
		$this->assertSame( array(), $this->settings_errors() );
	}

	public function test_ignores_a_stored_api_url_that_is_not_valid() {
		$this->configure();
		$this->store_option( 'vip_presence_api_url', 'javascript:alert(1)' );
		$this->assertSame( self::SERVER_URL, vip_presence_get_api_url() );
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_lets_the_api_url_constant_override_and_lock_the_setting_under_the_filter() {
		define( 'VIP_PRESENCE_API_URL', 'http://10.0.0.5:3001/' );
		$this->configure();
		$this->store_option( 'vip_presence_api_url', 'http://option.example.com:3001' );

		$this->assertTrue( vip_presence_is_api_url_locked() );
		$this->assertSame( 'http://10.0.0.5:3001', vip_presence_get_api_url() );
		$this->assertSame( self::SERVER_URL, vip_presence_get_client_settings( array() )['url'], 'browsers keep the server URL' );
		// The locked field is not submitted; a crafted request is refused and stores nothing.
		$this->assertSame( 'http://option.example.com:3001', vip_presence_sanitize_api_url( null ) );
		$this->assertSame( 'http://option.example.com:3001', vip_presence_sanitize_api_url( 'http://other.example.com:3001' ) );
		$errors = $this->settings_errors();
		$this->assertSame( array( 'vip_presence_api_url_locked' ), array_column( $errors, 'code' ) );
		$this->assertStringContainsString( 'set by the VIP_PRESENCE_API_URL constant in wp-config.php', $errors[0]['message'] );

		add_filter(
			'vip_presence_api_url',
			function ( $url ) {
				$this->assertSame( 'http://10.0.0.5:3001', $url, 'the filter gets the constant' );
				return 'http://filtered.example.com:3001/';
			}
		);
		$this->assertSame( 'http://filtered.example.com:3001', vip_presence_get_api_url() );
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_reads_the_api_at_the_server_url_when_the_api_url_constant_is_not_valid() {
		define( 'VIP_PRESENCE_API_URL', '10.0.0.5:3001' );
		$this->configure();
		$this->store_option( 'vip_presence_api_url', 'http://option.example.com:3001' );
		$this->assertSame( self::SERVER_URL, vip_presence_get_api_url(), 'not the option: the constant locks it' );
		$field = $this->render( 'vip_presence_render_api_url_field' );
		$this->assertStringContainsString( '<code>VIP_PRESENCE_API_URL</code>', $field );
		$this->assertStringContainsString( 'This value is not a valid URL, so WordPress reads counts at the server URL.', $field );
	}
}
