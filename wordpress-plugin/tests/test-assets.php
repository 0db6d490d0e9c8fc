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

	public function test_prints_the_settings_and_the_token_of_the_viewed_post_before_the_sdk_in_the_footer() {
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
		$ids     = array();
		foreach ( $scripts as $script ) {
			$ids[] = $script->getAttribute( 'id' );
		}
		// The two scripts are inserted by the page, in order (script-insertion.php).
		$this->assertSame( array( 'vip-presence-client-js-before', 'vip-presence-client-js-insert', 'vip-presence-widget-js-before', 'vip-presence-widget-js-insert' ), $ids, $footer );
		$this->assertStringContainsString( 's.src="http://example.org/wp-content/plugins/vip-presence/build/client.js', $scripts->item( 1 )->textContent );
		$this->assertStringContainsString( 's.src="http://example.org/wp-content/plugins/vip-presence/build/widget.js', $scripts->item( 3 )->textContent );

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

	public function test_gives_the_widget_its_texts_with_the_plural_form_n_gives_for_each_count() {
		$text = vip_presence_get_widget_text();
		$this->assertSame( "You're the only one here", $text['alone'] );
		$this->assertSame( array( '%s other people are viewing', '%s other person is viewing' ), $text['others'], 'in the order _n() gave them from 0' );
		$this->assertSame( '01' . str_repeat( '0', 198 ), $text['plural'], 'English: the singular for 1 only' );
	}

	public function test_gives_the_widget_the_thousands_separator_number_format_i18n_writes_as_text() {
		global $wp_locale;
		$this->assertSame( ',', vip_presence_get_widget_text()['thousands'], 'English' );
		$this->assertSame( '1,234', number_format_i18n( 1234 ) );

		// A translation that gives the separator as an entity (as some do, for a no-break space).
		$english = $wp_locale->number_format['thousands_sep'];
		$wp_locale->number_format['thousands_sep'] = '&nbsp;';
		$text = vip_presence_get_widget_text();
		$wp_locale->number_format['thousands_sep'] = $english;
		$this->assertSame( "\u{00A0}", $text['thousands'], 'a no-break space, not the text "&nbsp;"' );
	}

	/**
	 * Plural rules (gettext Plural-Forms) of languages WordPress is translated into, each with the
	 * most forms and the most kinds of tests there are: n itself, n % 10, n % 100, n % 20.
	 *
	 * @return array<string, array{0: callable(int): int}>
	 */
	public function plural_rules() {
		return array(
			'Polish'     => array( fn( $n ) => 1 === $n ? 0 : ( $n % 10 >= 2 && $n % 10 <= 4 && ( $n % 100 < 10 || $n % 100 >= 20 ) ? 1 : 2 ) ),
			'Russian'    => array( fn( $n ) => 1 === $n % 10 && 11 !== $n % 100 ? 0 : ( $n % 10 >= 2 && $n % 10 <= 4 && ( $n % 100 < 10 || $n % 100 >= 20 ) ? 1 : 2 ) ),
			'Arabic'     => array( fn( $n ) => 0 === $n ? 0 : ( 1 === $n ? 1 : ( 2 === $n ? 2 : ( $n % 100 >= 3 && $n % 100 <= 10 ? 3 : ( $n % 100 >= 11 ? 4 : 5 ) ) ) ) ),
			'Slovenian'  => array( fn( $n ) => 1 === $n % 100 ? 0 : ( 2 === $n % 100 ? 1 : ( 3 === $n % 100 || 4 === $n % 100 ? 2 : 3 ) ) ),
			'Irish'      => array( fn( $n ) => 1 === $n ? 0 : ( 2 === $n ? 1 : ( $n < 7 ? 2 : ( $n < 11 ? 3 : 4 ) ) ) ),
			'Welsh'      => array( fn( $n ) => 1 === $n ? 0 : ( 2 === $n ? 1 : ( 8 !== $n && 11 !== $n ? 2 : 3 ) ) ),
			'Romanian'   => array( fn( $n ) => 1 === $n ? 0 : ( 0 === $n || ( $n % 100 > 0 && $n % 100 < 20 ) ? 1 : 2 ) ),
			'Lithuanian' => array( fn( $n ) => 1 === $n % 10 && 11 !== $n % 100 ? 0 : ( $n % 10 >= 2 && ( $n % 100 < 10 || $n % 100 >= 20 ) ? 1 : 2 ) ),
			'Latvian'    => array( fn( $n ) => 1 === $n % 10 && 11 !== $n % 100 ? 0 : ( 0 !== $n ? 1 : 2 ) ),
			'Manx'       => array( fn( $n ) => 1 === $n % 10 ? 0 : ( 2 === $n % 10 ? 1 : ( 0 === $n % 20 ? 2 : 3 ) ) ),
			'Czech'      => array( fn( $n ) => 1 === $n ? 0 : ( $n >= 2 && $n <= 4 ? 1 : 2 ) ),
			'French'     => array( fn( $n ) => $n > 1 ? 1 : 0 ),
			'Japanese'   => array( fn( $n ) => 0 ),
		);
	}

	/**
	 * @dataProvider plural_rules
	 *
	 * @param callable $rule The language's rule: count -> index of the form.
	 */
	public function test_the_widget_takes_for_any_count_the_form_n_gives_it_in_a_language_of_many_forms( $rule ) {
		$forms  = array( 'form 0: %s', 'form 1: %s', 'form 2: %s', 'form 3: %s', 'form 4: %s', 'form 5: %s' );
		$ngettext = function ( $translation, $single, $plural, $number, $domain ) use ( $rule, $forms ) {
			return 'vip-presence' === $domain ? $forms[ $rule( (int) $number ) ] : $translation;
		};
		add_filter( 'ngettext', $ngettext, 10, 5 );
		$text = vip_presence_get_widget_text();
		remove_filter( 'ngettext', $ngettext, 10 );

		// What build/widget.js does with it (src/widget/widget-text.js, printedStrings()).
		$this->assertSame( 200, strlen( $text['plural'] ) );
		for ( $count = 0; $count <= 20000; $count++ ) {
			$at = $count < 200 ? $count : 100 + $count % 100;
			$this->assertSame( $forms[ $rule( $count ) ], $text['others'][ (int) base_convert( $text['plural'][ $at ], 36, 10 ) ], "count $count" );
		}
	}

	public function test_a_post_page_gets_the_sdk_and_the_widget_script_and_no_script_of_wordpress() {
		$asset = vip_presence_get_asset( 'widget' );
		$this->assertNotNull( $asset, 'build/widget.asset.php is missing: run `npm run build -w @vip-presence/wordpress-plugin` first' );
		$this->assertSame( array( 'vip-presence-client' ), $asset['dependencies'], 'the front end loads no wp-i18n (nor wp-hooks, wp-polyfill): its texts come from PHP' );
		$this->assertSame( array(), vip_presence_get_asset( 'client' )['dependencies'] );

		$this->configure();
		wp_deregister_script( 'vip-presence-client' );
		wp_deregister_script( 'vip-presence-widget' );
		vip_presence_register_scripts();
		$post_id = $this->create_post();
		$this->go_to( get_permalink( $post_id ) );
		$this->assertNotSame( '', vip_presence_get_widget() );
		$footer = $this->render(
			function () {
				do_action( 'wp_print_footer_scripts' );
			}
		);
		$ids    = array();
		foreach ( $this->parse_html( $footer )->getElementsByTagName( 'script' ) as $script ) {
			$ids[] = $script->getAttribute( 'id' );
		}
		// The two scripts are inserted by the page, in order (script-insertion.php).
		$this->assertSame( array( 'vip-presence-client-js-before', 'vip-presence-client-js-insert', 'vip-presence-widget-js-before', 'vip-presence-widget-js-insert' ), $ids, $footer );
		$this->assertStringContainsString( 'window.vipPresenceWidgetText = {"alone":"You\'re the only one here"', $footer );
	}
}
