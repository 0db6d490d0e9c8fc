<?php
/**
 * Hostile setting values: every sanitize callback refuses them (nothing hostile is stored), and every
 * place that prints a setting escapes it, even a hostile value stored around the sanitize callbacks
 * (a database write, an older version of the plugin).
 *
 * The same values go through the real settings form in e2e/specs/hostile-settings.spec.ts.
 *
 * @package vip-presence
 */

/**
 * Tests of the sanitize callbacks (includes/settings-sanitizers.php) and the renderers of the settings
 * (includes/settings-page.php, includes/widget.php, includes/assets.php) with hostile input.
 */
class VIP_Presence_Hostile_Settings_Test extends VIP_Presence_Test_Case {

	/**
	 * Markup that must never reach a page as markup.
	 *
	 * @return array<string, array{0: string}>
	 */
	public function hostile_markup() {
		return array(
			'script tag'         => array( '"><script id="xss">alert(1)</script>' ),
			'single quotes'      => array( "' onmouseover='alert(1)" ),
			'img onerror'        => array( '<img src=x onerror="alert(1)">' ),
			'closing script tag' => array( '</script><script id="xss">alert(1)</script>' ),
			'javascript URL'     => array( 'javascript:alert(1)' ),
		);
	}

	/**
	 * Server URLs that must be refused (scripts, quotes, other schemes).
	 *
	 * @return array<string, array{0: string}>
	 */
	public function hostile_server_urls() {
		return array(
			'javascript'               => array( 'javascript:alert(1)' ),
			'javascript, mixed case'   => array( ' JaVaScRiPt:alert(document.domain)' ),
			'javascript with slashes'  => array( 'javascript://presence.example.com/%0aalert(1)' ),
			'data'                     => array( 'data:text/html,<script>alert(1)</script>' ),
			'vbscript'                 => array( 'vbscript:msgbox(1)' ),
			'markup after the host'    => array( 'https://presence.example.com"><script id="xss">alert(1)</script>' ),
			'double quotes'            => array( 'https://presence.example.com/" onmouseover="alert(1)' ),
			'single quotes'            => array( "https://presence.example.com' onmouseover='alert(1)" ),
			'img onerror'              => array( 'https://presence.example.com/<img src=x onerror=alert(1)>' ),
			'encoded markup'           => array( 'https://presence.example.com%22%3E%3Cscript%3E' ),
			'backslash host trick'     => array( 'https://evil.example.com\\@presence.example.com' ),
			'scheme-relative'          => array( '//evil.example.net' ),
			'NUL byte'                 => array( "https://presence.exa\0mple.com" ),
			'line break in the middle' => array( "https://presence.example.com\r\nX-Injected: 1" ),
		);
	}

	/**
	 * @dataProvider hostile_server_urls
	 *
	 * @param string $input Submitted URL.
	 */
	public function test_refuses_a_hostile_server_url_and_keeps_the_previous_one( $input ) {
		update_option( 'vip_presence_server_url', 'https://presence.example.com' );
		$this->assertSame( 'https://presence.example.com', vip_presence_sanitize_server_url( $input ) );
		$this->assertSame( array( 'vip_presence_invalid_server_url' ), array_column( $this->settings_errors(), 'code' ) );
		$this->assertStringNotContainsString( $input, $this->settings_errors()[0]['message'], 'the message does not echo the input' );
	}

	/**
	 * @dataProvider hostile_server_urls
	 *
	 * @param string $input A URL stored around the sanitize callback.
	 */
	public function test_never_hands_a_hostile_stored_server_url_to_browsers( $input ) {
		$this->store_option( 'vip_presence_server_url', $input );
		$this->assertSame( '', vip_presence_get_server_url() );
		$this->assertFalse( vip_presence_is_configured() );
	}

	/**
	 * @dataProvider hostile_server_urls
	 *
	 * @param string $input Submitted URL.
	 */
	public function test_refuses_a_hostile_api_url_and_keeps_the_previous_one( $input ) {
		update_option( 'vip_presence_api_url', 'http://10.0.0.5:3001' );
		$this->assertSame( 'http://10.0.0.5:3001', vip_presence_sanitize_api_url( $input ) );
		$this->assertSame( array( 'vip_presence_invalid_api_url' ), array_column( $this->settings_errors(), 'code' ) );
		$this->assertStringNotContainsString( $input, $this->settings_errors()[0]['message'], 'the message does not echo the input' );
	}

	/**
	 * @dataProvider hostile_server_urls
	 *
	 * @param string $input A URL stored around the sanitize callback.
	 */
	public function test_never_asks_a_hostile_stored_api_url( $input ) {
		$this->configure();
		$this->store_option( 'vip_presence_api_url', $input );
		$this->assertSame( self::SERVER_URL, vip_presence_get_api_url() );
	}

	/**
	 * @dataProvider hostile_markup
	 *
	 * @param string $input A URL stored around the sanitize callback.
	 */
	public function test_prints_a_hostile_stored_api_url_back_as_text_in_its_field( $input ) {
		$stored = 'http://10.0.0.5:3001' . $input;
		$this->store_option( 'vip_presence_api_url', $stored );
		$this->store_option( 'vip_presence_server_url', 'https://presence.example.com' . $input );
		$html = $this->render( 'vip_presence_render_api_url_field' );
		$this->assertSame( 0, $this->count_elements( $html, 'script' ) + $this->count_elements( $html, 'img' ) );
		$input_element = $this->first_element( $html );
		$this->assertSame( 'input', $input_element->tagName );
		$this->assertSame( $stored, $input_element->getAttribute( 'value' ), 'the attribute holds the value, escaped' );
		$this->assertSame( '', $input_element->getAttribute( 'placeholder' ), 'a stored server URL that is not valid is not used' );
		$this->assertFalse( $input_element->hasAttribute( 'onmouseover' ) );
	}

	/**
	 * @dataProvider hostile_markup
	 *
	 * @param string $input Submitted value.
	 */
	public function test_refuses_hostile_values_of_every_display_option( $input ) {
		update_option( 'vip_presence_auto_insert', 'before' );
		update_option( 'vip_presence_post_types', array( 'page' ) );
		update_option( 'vip_presence_hide_below', 2 );

		$this->assertSame( 'before', vip_presence_sanitize_auto_insert( $input ) );
		$this->assertSame( 2, vip_presence_sanitize_hide_below( $input ) );
		$this->assertSame( 2, vip_presence_sanitize_hide_below( '3' . $input ) );
		$this->assertSame( array( 'post' ), vip_presence_sanitize_post_types( array( $input, 'post', 'post' . $input ) ) );
		$this->assertSame(
			array( 'vip_presence_invalid_auto_insert', 'vip_presence_invalid_hide_below' ),
			array_column( $this->settings_errors(), 'code' )
		);
		foreach ( $this->settings_errors() as $error ) {
			$this->assertStringNotContainsString( $input, $error['message'] );
		}
	}

	/**
	 * The same values, saved as the settings form and the REST API save them: nothing hostile is stored.
	 *
	 * @dataProvider hostile_markup
	 *
	 * @param string $input Submitted value.
	 */
	public function test_stores_no_hostile_value_through_update_option( $input ) {
		update_option( 'vip_presence_server_url', 'https://presence.example.com' );
		update_option( 'vip_presence_auto_insert', 'before' );
		update_option( 'vip_presence_post_types', array( 'page' ) );
		update_option( 'vip_presence_hide_below', 2 );

		update_option( 'vip_presence_server_url', 'https://presence.example.com' . $input );
		update_option( 'vip_presence_auto_insert', $input );
		update_option( 'vip_presence_post_types', array( $input, 'post' ) );
		update_option( 'vip_presence_hide_below', $input );
		$this->assertSame( 'https://presence.example.com', get_option( 'vip_presence_server_url' ) );
		$this->assertSame( 'before', get_option( 'vip_presence_auto_insert' ) );
		$this->assertSame( array( 'post' ), get_option( 'vip_presence_post_types' ) );
		$this->assertSame( 2, get_option( 'vip_presence_hide_below' ) );
		$this->assertSame(
			array( 'vip_presence_invalid_server_url', 'vip_presence_invalid_auto_insert', 'vip_presence_invalid_hide_below' ),
			array_column( $this->settings_errors(), 'code' )
		);
	}

	public function test_refuses_post_types_outside_the_public_ones() {
		$this->assertSame(
			array(),
			vip_presence_sanitize_post_types( array( 'attachment', 'revision', 'nav_menu_item', 'wp_template', 'POST', ' post' ) )
		);
		$this->assertSame( array( 'page' ), vip_presence_sanitize_post_types( array( 'page' => 'page', 'x' => array( 'post' ) ) ) );
	}

	public function test_refuses_a_secret_that_would_break_out_of_a_header_and_keeps_the_previous_one() {
		update_option( 'vip_presence_secret', 'the-current-secret-value' );
		$this->assertSame( 'the-current-secret-value', vip_presence_sanitize_secret( array( 'value' => "a-long-enough-secret\r\nX-Injected: 1" ) ) );
		$this->assertSame( 'the-current-secret-value', vip_presence_sanitize_secret( "a-long-enough\0-secret" ) );
		$this->assertSame( array( 'vip_presence_invalid_secret' ), array_column( $this->settings_errors(), 'code' ) );
	}

	/**
	 * A secret may hold any printable character (it is compared, never shown): markup is saved as
	 * it is, and still never printed.
	 *
	 * @dataProvider hostile_markup
	 *
	 * @param string $input Submitted secret.
	 */
	public function test_saves_a_secret_made_of_markup_but_never_prints_it( $input ) {
		$secret = 'long-enough-' . $input;
		$this->assertSame( $secret, vip_presence_sanitize_secret( array( 'value' => $secret ) ) );
		update_option( 'vip_presence_secret', $secret );
		$this->assertSame( $secret, get_option( 'vip_presence_secret' ), 'saved as it is' );
		$html = $this->render( 'vip_presence_render_secret_field' );
		$this->assertStringNotContainsString( $input, $html );
		$this->assertSame( 0, $this->count_elements( $html, 'script' ) + $this->count_elements( $html, 'img' ) );
		$this->assertStringContainsString( 'Status: set', $html );
	}

	/**
	 * @dataProvider hostile_markup
	 *
	 * @param string $input A URL stored around the sanitize callback.
	 */
	public function test_prints_a_hostile_stored_server_url_back_as_text_in_its_field( $input ) {
		$stored = 'https://presence.example.com' . $input;
		$this->store_option( 'vip_presence_server_url', $stored );
		$html = $this->render( 'vip_presence_render_server_url_field' );
		$this->assertSame( 0, $this->count_elements( $html, 'script' ) + $this->count_elements( $html, 'img' ) );
		$input_element = $this->first_element( $html );
		$this->assertSame( 'input', $input_element->tagName );
		$this->assertSame( $stored, $input_element->getAttribute( 'value' ), 'the attribute holds the value, escaped' );
		$this->assertFalse( $input_element->hasAttribute( 'onmouseover' ) );
	}

	/**
	 * @dataProvider hostile_markup
	 *
	 * @param string $input Values stored around the sanitize callbacks.
	 */
	public function test_prints_only_known_choices_whatever_the_display_options_hold( $input ) {
		$this->store_option( 'vip_presence_auto_insert', $input );
		$this->store_option( 'vip_presence_post_types', array( $input, 'page' ) );
		$this->store_option( 'vip_presence_hide_below', $input );

		$html = $this->render( 'vip_presence_render_auto_insert_field' )
			. $this->render( 'vip_presence_render_post_types_field' )
			. $this->render( 'vip_presence_render_hide_below_field' )
			. vip_presence_widget_markup( 42, vip_presence_get_hide_below() );
		$this->assertStringNotContainsString( $input, $html );
		$this->assertStringNotContainsString( esc_attr( $input ), $html );
		$this->assertSame( 0, $this->count_elements( $html, 'script' ) + $this->count_elements( $html, 'img' ) );
		$this->assertStringContainsString( 'value="after"  checked=\'checked\'', $html, 'an unknown position reads as the default' );
		$this->assertStringContainsString( 'value="page"  checked=\'checked\'', $html );
		$this->assertStringContainsString( 'name="vip_presence_hide_below" value="0"', $html );
		$this->assertStringContainsString( 'data-vip-presence-hide-below="0"', $html );
	}

	/**
	 * @dataProvider hostile_markup
	 *
	 * @param string $input What a vip_presence_server_url filter returns.
	 */
	public function test_keeps_the_settings_script_inside_its_script_element( $input ) {
		add_filter(
			'vip_presence_server_url',
			function () use ( $input ) {
				return $input;
			}
		);
		$script = vip_presence_client_settings_script( vip_presence_get_client_settings( array() ) );
		$this->assertStringNotContainsString( '<', $script );
		$this->assertStringNotContainsString( '>', $script );
		$json = substr( $script, strlen( 'window.vipPresenceSettings = ' ), -1 );
		$this->assertSame( $input, json_decode( $json, true )['url'], 'the value arrives intact, as a string' );
	}
}
