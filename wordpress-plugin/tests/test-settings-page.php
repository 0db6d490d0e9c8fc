<?php
/**
 * The settings screen's fields: escaping, the secret never printed, locked fields.
 *
 * @package vip-presence
 */

/**
 * Tests of includes/settings-page.php.
 */
class VIP_Presence_Settings_Page_Test extends VIP_Presence_Test_Case {

	/**
	 * Captures what a callable prints.
	 *
	 * @param callable $render Renderer.
	 * @return string Output.
	 */
	private function render( $render ) {
		ob_start();
		call_user_func( $render );
		return (string) ob_get_clean();
	}

	public function test_never_prints_the_secret_only_whether_it_is_set() {
		$this->set_option( 'vip_presence_secret', 'do-not-print-this-secret-42' );
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
		$this->set_option( 'vip_presence_server_url', 'https://x.example"><script>alert(1)</script>' );
		$html = $this->render( 'vip_presence_render_server_url_field' );
		$this->assertStringNotContainsString( '<script>', $html );
		$this->assertStringContainsString( 'name="vip_presence_server_url"', $html );
		$this->assertStringNotContainsString( 'disabled', $html );
	}

	public function test_marks_the_chosen_choices() {
		$this->set_option( 'vip_presence_auto_insert', 'before' );
		$this->set_option( 'vip_presence_post_types', array( 'page' ) );
		$this->set_option( 'vip_presence_hide_below', 3 );
		$this->assertStringContainsString( 'value="before"  checked=\'checked\'', $this->render( 'vip_presence_render_auto_insert_field' ) );
		$types = $this->render( 'vip_presence_render_post_types_field' );
		$this->assertStringContainsString( 'value="page"  checked=\'checked\'', $types );
		$this->assertStringContainsString( 'value="post"  />', $types );
		$this->assertStringNotContainsString( 'value="attachment"', $types );
		$this->assertStringContainsString( '<input type="hidden" name="vip_presence_post_types[]" value="" />', $types );
		$this->assertStringContainsString( 'value="3"', $this->render( 'vip_presence_render_hide_below_field' ) );
	}

	public function test_shows_a_calm_status_while_unconfigured() {
		$html = $this->render( 'vip_presence_render_connection_status' );
		$this->assertStringContainsString( 'data-vip-presence-connection="unconfigured"', $html );
		$this->assertStringContainsString( 'notice-info', $html );
		$this->assertSame( array(), $this->http_requests() );
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_locks_the_fields_set_in_wp_config() {
		define( 'VIP_PRESENCE_SERVER_URL', 'https://constant.example.com' );
		define( 'VIP_PRESENCE_SECRET', 'constant-secret-never-shown' );
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
	}
}
