<?php
/**
 * The widget markup (every placement renders it), and when a page shows it: the shortcode and the
 * template tags on real posts, queries, users and scripts.
 *
 * @package vip-presence
 */

/**
 * Tests of includes/widget.php and includes/shortcode.php.
 */
class VIP_Presence_Widget_Test extends VIP_Presence_Test_Case {

	public function test_renders_the_exact_placeholder_markup() {
		$this->assertSame(
			'<div class="vip-presence-widget" data-vip-presence-post-id="42" data-vip-presence-mode="view" data-vip-presence-hide-below="0" aria-live="polite" aria-atomic="true" style="min-height:1.5em;min-height:1lh;"></div>',
			vip_presence_widget_markup( 42 )
		);
		$this->assertSame(
			'<div class="vip-presence-widget" data-vip-presence-post-id="7" data-vip-presence-mode="watch" data-vip-presence-hide-below="2" aria-live="polite" aria-atomic="true" style="min-height:1.5em;min-height:1lh;"></div>',
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
				$attributes['class']        .= ' "><script>alert(1)</script>';
				$attributes['data-note']     = "it's <b>& \"quoted\"";
				$attributes['onclick x']     = 'alert(1)';
				$attributes['"><img src=x>'] = 'y';
				$attributes['hidden']        = true;
				$attributes['data-skipped']  = false;
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
		$post_id = $this->create_post();
		$this->go_to( get_permalink( $post_id ) );
		$this->register_widget_script();
		$this->assertSame( '', vip_presence_get_widget() );
		$this->assertSame( '', vip_presence_shortcode( '' ) );
		$this->assertSame( '', do_shortcode( '[vip_presence]' ) );
		$this->assertFalse( wp_script_is( 'vip-presence-widget', 'enqueued' ), 'no script without a server' );
	}

	public function test_counts_the_visitor_on_the_single_view_of_the_post_and_enqueues_the_script() {
		$this->configure();
		update_option( 'vip_presence_hide_below', 2 );
		$post_id = $this->create_post();
		$this->go_to( get_permalink( $post_id ) );
		$this->assertTrue( is_singular() );
		$this->register_widget_script();

		$element = $this->first_element( vip_presence_get_widget() );
		$this->assertSame( (string) $post_id, $element->getAttribute( 'data-vip-presence-post-id' ) );
		$this->assertSame( 'view', $element->getAttribute( 'data-vip-presence-mode' ) );
		$this->assertSame( '2', $element->getAttribute( 'data-vip-presence-hide-below' ) );
		$this->assertTrue( wp_script_is( 'vip-presence-widget', 'enqueued' ) );
		$this->assertContains( $post_id, vip_presence_page_post_ids(), 'its token is printed' );
	}

	public function test_only_watches_other_posts_and_prints_no_token_for_them() {
		$this->configure();
		$viewed = $this->create_post();
		$other  = $this->create_post();
		$this->go_to( get_permalink( $viewed ) );
		$this->register_widget_script();

		$element = $this->first_element( do_shortcode( '[vip_presence post_id="' . $other . '"]' ) );
		$this->assertSame( (string) $other, $element->getAttribute( 'data-vip-presence-post-id' ) );
		$this->assertSame( 'watch', $element->getAttribute( 'data-vip-presence-mode' ) );
		$this->assertNotContains( $other, vip_presence_page_post_ids() );

		$this->go_to( home_url( '/' ) ); // An archive.
		$this->assertTrue( is_home() );
		$this->assertSame( 'watch', $this->first_element( vip_presence_get_widget( $viewed ) )->getAttribute( 'data-vip-presence-mode' ) );
		$this->assertNotContains( $viewed, vip_presence_page_post_ids() );
	}

	public function test_prints_the_widget_from_the_template_tag() {
		$this->configure();
		$post_id = $this->create_post();
		$this->go_to( get_permalink( $post_id ) );
		$this->register_widget_script();
		$this->expectOutputString( vip_presence_widget_markup( $post_id ) . vip_presence_widget_markup( $post_id ) );
		vip_presence_widget( $post_id );
		vip_presence_widget(); // The current post.
	}

	public function test_renders_the_post_named_by_the_shortcode() {
		$this->configure();
		$named   = $this->create_post();
		$current = $this->create_post();
		$deleted = $this->create_post();
		wp_delete_post( $deleted, true );
		$this->go_to( get_permalink( $current ) );
		$this->register_widget_script();
		$element = $this->first_element( vip_presence_shortcode( array( 'post_id' => (string) $named ) ) );
		$this->assertSame( (string) $named, $element->getAttribute( 'data-vip-presence-post-id' ) );
		$this->assertSame( (string) $current, $this->first_element( do_shortcode( '[vip_presence]' ) )->getAttribute( 'data-vip-presence-post-id' ) );
		$this->assertSame( '', vip_presence_shortcode( array( 'post_id' => 'abc' ) ) );
		$this->assertSame( '', vip_presence_shortcode( array( 'post_id' => (string) $deleted ) ), 'no such post' );
	}

	public function test_renders_nothing_for_posts_the_visitor_cannot_see() {
		$this->configure();
		$this->register_widget_script();
		$draft     = $this->create_post( array( 'post_status' => 'draft' ) );
		$private   = $this->create_post( array( 'post_status' => 'private' ) );
		$protected = $this->create_post( array( 'post_password' => 'pw' ) );
		foreach ( array( 0 => 'a visitor', 1 => 'a subscriber' ) as $logged_in => $who ) {
			if ( $logged_in ) {
				$this->log_in_as( 'subscriber' );
			}
			$this->assertSame( '', vip_presence_get_widget( $draft ), "$who: draft" );
			$this->assertSame( '', vip_presence_get_widget( $private ), "$who: private" );
			$this->assertSame( '', vip_presence_get_widget( $protected ), "$who: password" );
		}

		$this->log_in_as( 'editor' );
		$this->assertNotSame( '', vip_presence_get_widget( $draft ), 'an editor reads drafts' );
		$this->assertNotSame( '', vip_presence_get_widget( $private ), 'an editor reads private posts' );
		$this->assertSame( '', vip_presence_get_widget( $protected ), 'the password is needed all the same' );
	}

	public function test_lets_a_filter_hide_the_widget() {
		$this->configure();
		$post_id = $this->create_post();
		$this->register_widget_script();
		$this->assertNotSame( '', vip_presence_get_widget( $post_id ) );
		add_filter( 'vip_presence_show_widget', '__return_false' );
		$this->assertSame( '', vip_presence_get_widget( $post_id ) );
	}
}
