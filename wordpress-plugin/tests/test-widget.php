<?php
/**
 * The widget markup (every placement renders it), the column cell and the client settings script.
 *
 * @package vip-presence
 */

/**
 * Tests of includes/widget.php, includes/shortcode.php, includes/admin-column.php, includes/assets.php.
 */
class VIP_Presence_Widget_Test extends VIP_Presence_Test_Case {

	public function test_renders_the_exact_placeholder_markup() {
		$this->assertSame(
			'<div class="vip-presence-widget" data-vip-presence-post-id="42" data-vip-presence-mode="view" data-vip-presence-hide-below="0" aria-live="polite" aria-atomic="true" style="min-height:1.5em;"></div>',
			vip_presence_widget_markup( 42 )
		);
		$this->assertSame(
			'<div class="vip-presence-widget" data-vip-presence-post-id="7" data-vip-presence-mode="watch" data-vip-presence-hide-below="2" aria-live="polite" aria-atomic="true" style="min-height:1.5em;"></div>',
			vip_presence_widget_markup( 7, 2, false )
		);
	}

	public function test_announces_changes_politely_and_carries_the_post_id() {
		$element = $this->first_element( vip_presence_widget_markup( 9007199254740991, 0 ) );
		$this->assertSame( 'div', $element->tagName );
		$this->assertSame( 'polite', $element->getAttribute( 'aria-live' ) );
		$this->assertSame( '9007199254740991', $element->getAttribute( 'data-vip-presence-post-id' ) );
		$this->assertSame( 'vip-presence-widget', $element->getAttribute( 'class' ) );
	}

	public function test_reserves_its_line_and_is_empty_until_javascript_fills_it() {
		$element = $this->first_element( vip_presence_widget_markup( 42 ) );
		$this->assertStringContainsString( 'min-height:', $element->getAttribute( 'style' ) );
		$this->assertSame( '', $element->textContent, 'nothing shows without JavaScript' );
		$this->assertSame( 0, $element->childNodes->length );
	}

	public function test_tells_the_script_below_how_many_others_to_hide_counts() {
		$this->assertSame( '3', $this->first_element( vip_presence_widget_markup( 42, 3 ) )->getAttribute( 'data-vip-presence-hide-below' ) );
		$this->assertSame( '0', $this->first_element( vip_presence_widget_markup( 42, -3 ) )->getAttribute( 'data-vip-presence-hide-below' ) );
	}

	public function test_renders_nothing_for_an_invalid_post_id() {
		$this->assertSame( '', vip_presence_widget_markup( 0 ) );
		$this->assertSame( '', vip_presence_widget_markup( -1 ) );
		$this->assertSame( '', vip_presence_widget_markup( '42' ) );
		$this->assertSame( '', vip_presence_widget_markup( 9007199254740992 ) );
	}

	public function test_escapes_every_attribute_value_and_drops_bad_attribute_names() {
		add_filter(
			'vip_presence_widget_attributes',
			function ( $attributes ) {
				$attributes['class']             .= ' "><script>alert(1)</script>';
				$attributes['data-note']          = "it's <b>& \"quoted\"";
				$attributes['onclick x']          = 'alert(1)';
				$attributes['"><img src=x>']      = 'y';
				$attributes['hidden']             = true;
				$attributes['data-skipped']       = false;
				return $attributes;
			}
		);
		$html = vip_presence_widget_markup( 42 );
		$this->assertStringNotContainsString( '<script', $html );
		$this->assertStringNotContainsString( '<img', $html );
		$this->assertStringNotContainsString( 'onclick', $html );
		$this->assertStringNotContainsString( 'data-skipped', $html );
		$element = $this->first_element( $html );
		$this->assertSame( 'vip-presence-widget "><script>alert(1)</script>', $element->getAttribute( 'class' ) );
		$this->assertSame( "it's <b>& \"quoted\"", $element->getAttribute( 'data-note' ) );
		$this->assertTrue( $element->hasAttribute( 'hidden' ) );
		$this->assertSame( '', $element->textContent );
	}

	public function test_renders_nothing_while_the_plugin_is_unconfigured() {
		$this->add_post( 42, array( 'post_status' => 'publish' ) );
		$GLOBALS['vip_presence_stubs']['current_post_id'] = 42;
		$GLOBALS['vip_presence_stubs']['scripts']['registered'][] = 'vip-presence-widget';
		$this->assertSame( '', vip_presence_get_widget() );
		$this->assertSame( '', vip_presence_shortcode( '' ) );
		$this->assertSame( array(), $GLOBALS['vip_presence_stubs']['scripts']['enqueued'], 'no script without a server' );
	}

	public function test_counts_the_visitor_on_the_single_view_of_the_post_and_enqueues_the_script() {
		$this->configure();
		$this->set_option( 'vip_presence_hide_below', 2 );
		$this->add_post( 42, array( 'post_status' => 'publish' ) );
		$GLOBALS['vip_presence_stubs']['current_post_id'] = 42;
		$GLOBALS['vip_presence_stubs']['singular']        = true;
		$GLOBALS['vip_presence_stubs']['queried_id']      = 42;
		$GLOBALS['vip_presence_stubs']['scripts']['registered'][] = 'vip-presence-widget';

		$element = $this->first_element( vip_presence_get_widget() );
		$this->assertSame( '42', $element->getAttribute( 'data-vip-presence-post-id' ) );
		$this->assertSame( 'view', $element->getAttribute( 'data-vip-presence-mode' ) );
		$this->assertSame( '2', $element->getAttribute( 'data-vip-presence-hide-below' ) );
		$this->assertSame( array( 'vip-presence-widget' ), $GLOBALS['vip_presence_stubs']['scripts']['enqueued'] );
		$this->assertContains( 42, vip_presence_page_post_ids(), 'its token is printed' );
	}

	public function test_only_watches_other_posts_and_prints_no_token_for_them() {
		$this->configure();
		$this->add_post( 42, array( 'post_status' => 'publish' ) );
		$this->add_post( 77, array( 'post_status' => 'publish' ) );
		$GLOBALS['vip_presence_stubs']['singular']   = true;
		$GLOBALS['vip_presence_stubs']['queried_id'] = 42;
		$GLOBALS['vip_presence_stubs']['scripts']['registered'][] = 'vip-presence-widget';

		$element = $this->first_element( vip_presence_shortcode( array( 'post_id' => '77' ) ) );
		$this->assertSame( 'watch', $element->getAttribute( 'data-vip-presence-mode' ) );
		$this->assertNotContains( 77, vip_presence_page_post_ids() );

		$GLOBALS['vip_presence_stubs']['singular'] = false; // An archive.
		$this->assertSame( 'watch', $this->first_element( vip_presence_get_widget( 42 ) )->getAttribute( 'data-vip-presence-mode' ) );
	}

	public function test_prints_the_widget_from_the_template_tag() {
		$this->configure();
		$this->add_post( 42, array( 'post_status' => 'publish' ) );
		$GLOBALS['vip_presence_stubs']['scripts']['registered'][] = 'vip-presence-widget';
		$GLOBALS['vip_presence_stubs']['singular']                = true;
		$GLOBALS['vip_presence_stubs']['queried_id']              = 42;
		$this->expectOutputString( vip_presence_widget_markup( 42 ) );
		vip_presence_widget( 42 );
	}

	public function test_renders_the_post_named_by_the_shortcode() {
		$this->configure();
		$this->add_post( 7, array( 'post_status' => 'publish' ) );
		$GLOBALS['vip_presence_stubs']['current_post_id'] = 42;
		$GLOBALS['vip_presence_stubs']['scripts']['registered'][] = 'vip-presence-widget';
		$element = $this->first_element( vip_presence_shortcode( array( 'post_id' => '7' ) ) );
		$this->assertSame( '7', $element->getAttribute( 'data-vip-presence-post-id' ) );
		$this->assertSame( '', vip_presence_shortcode( array( 'post_id' => 'abc' ) ) );
		$this->assertSame( '', vip_presence_shortcode( array( 'post_id' => '404' ) ), 'no such post' );
	}

	public function test_renders_nothing_for_posts_the_visitor_cannot_see() {
		$this->configure();
		$GLOBALS['vip_presence_stubs']['scripts']['registered'][] = 'vip-presence-widget';
		$GLOBALS['vip_presence_stubs']['can']                     = false;
		$this->add_post( 5, array( 'post_status' => 'draft' ) );
		$this->add_post( 6, array( 'post_status' => 'publish', 'post_password' => 'pw' ) );
		$this->assertSame( '', vip_presence_get_widget( 5 ) );
		$this->assertSame( '', vip_presence_get_widget( 6 ) );
	}

	public function test_lets_a_filter_hide_the_widget() {
		$this->configure();
		$this->add_post( 42, array( 'post_status' => 'publish' ) );
		$GLOBALS['vip_presence_stubs']['scripts']['registered'][] = 'vip-presence-widget';
		add_filter( 'vip_presence_show_widget', '__return_false_stub' );
		$this->assertSame( '', vip_presence_get_widget( 42 ) );
	}

	public function test_renders_an_empty_column_cell_with_the_post_id() {
		$this->assertSame(
			'<span class="vip-presence-column" data-vip-presence-post-id="42"></span>',
			vip_presence_column_markup( 42 )
		);
		$this->assertSame( '', vip_presence_column_markup( 0 ) );
	}

	public function test_adds_the_reading_now_column_after_the_title() {
		$columns = vip_presence_add_posts_column(
			array(
				'cb'     => '<input type="checkbox" />',
				'title'  => 'Title',
				'author' => 'Author',
			)
		);
		$this->assertSame( array( 'cb', 'title', 'vip_presence', 'author' ), array_keys( $columns ) );
		$this->assertSame( 'Reading now', $columns['vip_presence'] );
	}

	public function test_prints_settings_with_the_url_and_the_tokens_of_the_page() {
		$this->configure( 'correct horse battery staple' );
		$settings = vip_presence_get_client_settings( array( 42 ) );
		$this->assertSame( 'https://presence.example.com', $settings['url'] );
		$token = $settings['tokens']->{'42'};
		$this->assertMatchesRegularExpression( '/^v1\.42\.[1-9][0-9]*\.[A-Za-z0-9_-]{43}$/', $token );

		$script = vip_presence_client_settings_script( $settings );
		$this->assertSame(
			'window.vipPresenceSettings = {"url":"https://presence.example.com","tokens":{"42":"' . $token . '"}};',
			$script
		);
	}

	public function test_prints_an_empty_token_object_for_pages_that_only_watch() {
		$this->configure();
		$this->assertSame(
			'window.vipPresenceSettings = {"url":"https://presence.example.com","tokens":{}};',
			vip_presence_client_settings_script( vip_presence_get_client_settings( array() ) )
		);
	}

	public function test_keeps_markup_out_of_the_inline_script() {
		$script = vip_presence_client_settings_script( array( 'url' => '</script><script>alert(1)</script>' ) );
		$this->assertStringNotContainsString( '</script>', $script );
		$this->assertStringNotContainsString( '<', $script );
	}
}

/**
 * A filter callback that returns false.
 *
 * @return bool
 */
function __return_false_stub() {
	return false;
}
