namespace Tomodachi.Inference.Generation;

/// <summary>
/// A GBNF grammar whose sentences are exactly the JSON objects: llama.cpp's grammars/json.gbnf (MIT), with an object
/// as the root. Whitespace is bounded so a sampler cannot spend the whole reply on indentation.
/// </summary>
public static class JsonGrammar
{
    public const string Object = """
        root   ::= object
        value  ::= object | array | string | number | ("true" | "false" | "null") ws
        object ::= "{" ws ( string ":" ws value ("," ws string ":" ws value)* )? "}" ws
        array  ::= "[" ws ( value ("," ws value)* )? "]" ws
        string ::= "\"" ( [^"\\\x7F\x00-\x1F] | "\\" (["\\bfnrt] | "u" [0-9a-fA-F]{4}) )* "\"" ws
        number ::= ("-"? ([0-9] | [1-9] [0-9]{0,15})) ("." [0-9]+)? ([eE] [-+]? [0-9] [1-9]{0,15})? ws
        ws     ::= | " " | "\n" [ \t]{0,20}
        """;
}
