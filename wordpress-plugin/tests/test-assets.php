<?php
/**
 * The settings script printed before the widget script: the server URL and the page's tokens.
 *
 * @package vip-presence
 */

/**
 * Tests of includes/assets.php.
 */
class VIP_Presence_Assets_Test extends VIP_Presence_Test_Case {

	public function test_prints_settings_with_the_url_the_site_and_the_tokens_of_the_page() {
		$this->configure( 'correct horse battery staple' );
		$site     = vip_presence_derive_site_key( 'http://' . VIP_Presence_Test_Site::DOMAIN );
		$settings = vip_presence_get_client_settings( array( 42 ) );
		$this->assertSame( 'https://presence.example.com', $settings['url'] );
		$this->assertSame( $site, $settings['site'], 'the SDK sends it as auth.site' );
		$token = $settings['tokens']->{'42'};
		$this->assertMatchesRegularExpression( '/^v2\.' . $site . '\.42\.[1-9][0-9]*\.[A-Za-z0-9_-]{43}$/', $token, 'a token of that site' );

		$script = vip_presence_client_settings_script( $settings );
		$this->assertSame(
			'window.vipPresenceSettings = {"url":"https://presence.example.com","site":"' . $site . '","tokens":{"42":"' . $token . '"},"hiddenTimeoutMs":300000};',
			$script
		);
	}

	public function test_prints_an_empty_token_object_for_pages_that_only_watch() {
		$this->configure();
		$this->assertSame(
			'window.vipPresenceSettings = {"url":"https://presence.example.com","site":"' . vip_presence_get_site_key() . '","tokens":{},"hiddenTimeoutMs":300000};',
			vip_presence_client_settings_script( vip_presence_get_client_settings( array() ) )
		);
	}

	public function test_prints_no_site_for_the_default_site_and_v1_tokens() {
		$this->configure();
		add_filter( 'vip_presence_site_key', '__return_empty_string' );
		$settings = vip_presence_get_client_settings( array( 42 ) );
		$this->assertArrayNotHasKey( 'site', $settings );
		$this->assertStringStartsWith( 'v1.42.', $settings['tokens']->{'42'} );
	}

	public function test_prints_the_background_tabs_setting_for_the_sdk_in_milliseconds() {
		$this->configure();
		$this->assertSame( 5 * 60 * 1000, vip_presence_get_client_settings( array() )['hiddenTimeoutMs'], 'five minutes by default' );
		update_option( 'vip_presence_hidden_tabs_minutes', 30 );
		$this->assertSame( 30 * 60 * 1000, vip_presence_get_client_settings( array( 42 ) )['hiddenTimeoutMs'] );
		update_option( 'vip_presence_hidden_tabs_minutes', 0 );
		$this->assertSame( 0, vip_presence_get_client_settings( array() )['hiddenTimeoutMs'], '0: never' );
	}

	public function test_keeps_markup_out_of_the_inline_script() {
		$script = vip_presence_client_settings_script( array( 'url' => '</script><script>alert(1)</script>' ) );
		$this->assertStringNotContainsString( '</script>', $script );
		$this->assertStringNotContainsString( '<', $script );
	}

	public function test_prints_the_settings_and_the_token_of_the_viewed_post_before_the_widget_script_in_the_footer() {
		$this->configure( 'correct horse battery staple' );
		$post_id = $this->create_post();
		$this->go_to( get_permalink( $post_id ) );
		$this->register_widget_script();
		$this->assertNotSame( '', vip_presence_get_widget() );

		$footer  = $this->render(
			function () {
				do_action( 'wp_print_footer_scripts' );
			}
		);
		$scripts = $this->parse_html( $footer )->getElementsByTagName( 'script' );
		$this->assertSame( 2, $scripts->length, $footer );
		$this->assertSame( 'vip-presence-widget-js-before', $scripts->item( 0 )->getAttribute( 'id' ) );
		$this->assertSame( 'vip-presence-widget-js', $scripts->item( 1 )->getAttribute( 'id' ) );
		$this->assertStringStartsWith( 'http://example.org/wp-content/plugins/vip-presence/build/widget.js', $scripts->item( 1 )->getAttribute( 'src' ) );

		$prefix   = 'window.vipPresenceSettings = ';
		$inline   = trim( $scripts->item( 0 )->textContent );
		$settings = json_decode( substr( $inline, strlen( $prefix ), -1 ), true );
		$this->assertStringStartsWith( $prefix, $inline );
		$this->assertSame( 'https://presence.example.com', $settings['url'] );
		$this->assertSame( vip_presence_get_site_key(), $settings['site'] );
		$this->assertSame( vip_presence_get_token( $post_id ), $settings['tokens'][ $post_id ] );
	}

	public function test_prints_nothing_in_the_footer_of_pages_without_a_widget() {
		$this->configure();
		$this->register_widget_script();
		$footer = $this->render(
			function () {
				do_action( 'wp_print_footer_scripts' );
			}
		);
		$this->assertStringNotContainsString( 'vipPresenceSettings', $footer );
		$this->assertStringNotContainsString( 'vip-presence', $footer );
	}
}
