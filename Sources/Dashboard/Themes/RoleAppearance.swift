/// How a theme draws one role, before the terminal's colour depth is known.
public struct RoleAppearance: Equatable, Sendable {
    /// Colours on a 256-colour terminal.
    public var foreground: TerminalColor
    public var background: TerminalColor
    /// Colours on an 8-colour terminal; nil means the nearest of the 8 to the 256-colour value.
    public var foreground8: TerminalColor?
    public var background8: TerminalColor?
    public var attributes: TextAttributes
    /// Attributes without any colour (`NO_COLOR`); nil means the same as `attributes`.
    public var monoAttributes: TextAttributes?

    public init(
        foreground: TerminalColor = .terminalDefault, background: TerminalColor = .terminalDefault,
        foreground8: TerminalColor? = nil, background8: TerminalColor? = nil,
        attributes: TextAttributes = [], monoAttributes: TextAttributes? = nil
    ) {
        self.foreground = foreground
        self.background = background
        self.foreground8 = foreground8
        self.background8 = background8
        self.attributes = attributes
        self.monoAttributes = monoAttributes
    }

    /// The style on a terminal of `depth`: 256 colours, the nearest of 8, or attributes alone.
    public func style(depth: ColorDepth) -> TextStyle {
        let attributes: TextAttributes
        let foreground: TerminalColor
        let background: TerminalColor
        switch depth {
        case .none:
            attributes = monoAttributes ?? self.attributes
            foreground = .terminalDefault
            background = .terminalDefault
        case .eight:
            attributes = self.attributes
            foreground = foreground8 ?? ColorPalette.nearestOfEight(self.foreground)
            background = background8 ?? ColorPalette.nearestOfEight(self.background)
        case .full256:
            attributes = self.attributes
            foreground = self.foreground
            background = self.background
        }
        return TextStyle(
            foreground: foreground, background: background,
            bold: attributes.contains(.bold), dim: attributes.contains(.dim),
            underline: attributes.contains(.underline), reverse: attributes.contains(.reverse)
        )
    }
}
